import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { startServer } from '../../test/helpers/http-server.js';
import type { OffpathEvent } from '../core/event.js';
import { currentRequestContext } from '../core/request-context.js';
import { fetchSource } from './fetch-source.js';
import { httpSource } from './http-source.js';
import { requestContextMixin } from './loggers/pino-request-context.js';
import { OffpathWinstonTransport } from './loggers/winston-transport.js';
import { reportEvent } from './report.js';
import { serverSource } from './server-source.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function collect(...sources: Array<{ attach(emit: (e: OffpathEvent) => boolean): () => void }>) {
  const events: OffpathEvent[] = [];
  for (const s of sources) {
    const detach = s.attach((e) => {
      events.push(e);
      return true;
    });
    cleanups.push(detach);
  }
  return events;
}

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function get(url: string, headers: http.OutgoingHttpHeaders = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      http
        .get(url, { headers }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        })
        .on('error', reject);
    },
  );
}

const fields = (e: OffpathEvent) =>
  e.fields as { requestId?: string; traceparent?: string; trace_id?: string; span_id?: string };

describe('serverSource', () => {
  it('reports failing and slow incoming requests, not fast successes, and leaves responses as they were', async () => {
    // Wide margins: a fast request on a loaded machine must not look slow.
    const source = serverSource({ slowMs: 1_000 });
    const events = collect(source);
    const base = await listen((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('late'), 1_100);
      else res.writeHead(req.url === '/boom' ? 500 : 200, { 'x-app': '1' }).end(`body ${req.url}`);
    });
    const ok = await get(`${base}/ok`);
    const boom = await get(`${base}/boom`, { 'x-request-id': 'req-42' });
    await get(`${base}/slow`);
    expect(ok).toMatchObject({ status: 200, body: 'body /ok' });
    expect(boom).toMatchObject({ status: 500, body: 'body /boom' });
    // Observe only: no header was added to the app's response.
    expect(Object.keys(boom.headers).sort()).toEqual(
      Object.keys(ok.headers)
        .filter((h) => h !== 'date')
        .concat('date')
        .sort(),
    );
    expect(events.map((e) => [e.level, e.http?.response?.status, e.http?.request?.url])).toEqual([
      ['error', 500, `${base}/boom`],
      ['warn', 200, `${base}/slow`],
    ]);
    expect(fields(events[0]!).requestId).toBe('req-42');
    expect(fields(events[0]!).traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(source.pendingCount()).toBe(0);
  });

  it('gives outgoing calls, logs and reports made for a request its request id and trace', async () => {
    const upstream = await startServer((_req, res) => res.writeHead(502).end('bad'));
    cleanups.push(() => upstream.close());
    const winstonEvents: OffpathEvent[] = [];
    const logger = winston.createLogger({
      transports: [new OffpathWinstonTransport({ offpath: (e) => winstonEvents.push(e) > 0 })],
    });
    const pinoLines: string[] = [];
    const pinoLogger = pino(
      { mixin: requestContextMixin },
      new Writable({
        write(chunk, _enc, done) {
          pinoLines.push(String(chunk));
          done();
        },
      }),
    );
    const reports: OffpathEvent[] = [];
    const events = collect(serverSource(), fetchSource(), httpSource());
    const base = await listen(async (req, res) => {
      await new Promise((r) => setTimeout(r, 5));
      await (await fetch(`${upstream.url}/via-fetch`)).text();
      await new Promise<void>((r) => http.get(`${upstream.url}/via-http`, (u) => u.resume().on('end', r)));
      logger.error('upstream failed', { orderId: 7 });
      pinoLogger.error('upstream failed');
      reports.push(reportEvent(new Error('charge failed')));
      res.writeHead(req.url === '/fail' ? 503 : 200).end();
    });
    await Promise.all([
      get(`${base}/fail`, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
      get(`${base}/other`),
    ]);
    const server = events.filter((e) => e.tags?.includes('server') && e.http?.request?.url?.startsWith(base));
    expect(server).toHaveLength(1);
    const { requestId, traceparent, trace_id, span_id } = fields(server[0]!);
    // A child of the caller's span: same trace, a new span.
    expect(trace_id).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span_id).not.toBe('00f067aa0ba902b7');
    expect(traceparent).toBe(`00-${trace_id}-${span_id}-01`);
    const outgoing = events.filter(
      (e) => !e.tags?.includes('server') && e.http?.request?.url?.startsWith(upstream.url),
    );
    // The upstream is a node:http server too: its own failing responses are captured, in no request.
    expect(
      events.filter((e) => e.tags?.includes('server') && e.http?.request?.url?.startsWith(upstream.url)),
    ).toHaveLength(4);
    expect(outgoing.map((e) => e.tags?.[0]).sort()).toEqual(['fetch', 'fetch', 'http', 'http']);
    // Two concurrent requests: each call carries the id of the request that made it.
    const byRequest = new Map<string, number>();
    for (const e of outgoing)
      byRequest.set(fields(e).requestId!, (byRequest.get(fields(e).requestId!) ?? 0) + 1);
    expect(byRequest.get(requestId!)).toBe(2);
    expect(byRequest.size).toBe(2);
    const winstonIds = winstonEvents.map((e) => fields(e).requestId);
    expect(winstonIds).toContain(requestId);
    expect(new Set(winstonIds).size).toBe(2);
    expect(pinoLines.map((l) => JSON.parse(l).requestId)).toContain(requestId);
    expect(reports.map((e) => fields(e).requestId)).toContain(requestId);
    expect(reports.find((e) => fields(e).requestId === requestId)?.fields).toMatchObject({ traceparent });
    expect(currentRequestContext()).toBeUndefined();
  });

  it('reports a slow request the client abandoned, and forgets quick ones', async () => {
    const source = serverSource({ slowMs: 400 });
    const events = collect(source);
    const base = await listen(() => {
      // never answers
    });
    for (const waitMs of [20, 700]) {
      await new Promise<void>((resolve) => {
        const req = http.get(`${base}/hang-${waitMs}`);
        req.on('error', () => resolve());
        setTimeout(() => req.destroy(), waitMs);
      });
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toHaveLength(1);
    expect(events[0]?.http?.request?.url).toBe(`${base}/hang-700`);
    expect(events[0]?.http?.error?.code).toBe('ECONNRESET');
    expect(source.pendingCount()).toBe(0);
  });

  it('never reads the request body: an app that reads it late still gets every byte', async () => {
    collect(serverSource({ status: ['2xx'] }));
    const base = await listen(async (req, res) => {
      await new Promise((r) => setTimeout(r, 30));
      let n = 0;
      for await (const chunk of req) n += (chunk as Buffer).length;
      res.end(String(n));
    });
    const body = Buffer.alloc(1_000_000, 7);
    const answer = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${base}/upload`, { method: 'POST' }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(answer).toBe('1000000');
  });
});
