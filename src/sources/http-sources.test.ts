import http from 'node:http';
import { request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../test/helpers/http-server.js';
import type { OffpathEvent } from '../core/event.js';
import { runSuppressed } from '../core/suppress.js';
import { createOffpath } from '../instance/create-offpath.js';
import { memorySink } from '../sinks/memory-sink.js';
import { fetchSource } from './fetch-source.js';
import { httpSource } from './http-source.js';

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const status = Number(/status=(\d+)/.exec(req.url)?.[1] ?? 200);
    if (req.url.startsWith('/slow')) {
      setTimeout(() => res.writeHead(200, { 'x-reply': 'late' }).end('slow'), 900);
      return;
    }
    if (req.url.startsWith('/hang')) return;
    res.writeHead(status, { 'content-type': 'text/plain', 'x-reply': 'yes' }).end(`body-${status}`);
  });
});
afterAll(() => server.close());

/** Attaches a source to a collecting emit function. */
function collect(source: { attach(emit: (e: OffpathEvent) => boolean): () => void }) {
  const events: OffpathEvent[] = [];
  const detach = source.attach((e) => {
    events.push(e);
    return true;
  });
  return { events, detach };
}

function get(url: string, options: http.RequestOptions = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fetch source', () => {
  it('captures failing and slow calls with timing and headers, and leaves the app its responses', async () => {
    const source = fetchSource({ slowMs: 600 });
    const { events, detach } = collect(source);
    const headers = { 'x-trace': 'abc' };
    const frozen = JSON.stringify(headers);
    const ok = await fetch(`${server.url}/ok`, { headers });
    expect(await ok.text()).toBe('body-200');
    const failed = await fetch(`${server.url}/pay?status=503`, { method: 'POST', body: 'x', headers });
    expect(failed.status).toBe(503);
    expect(await failed.text()).toBe('body-503');
    await (await fetch(`${server.url}/slow`)).text();
    detach();
    expect(JSON.stringify(headers)).toBe(frozen);
    expect(
      events.map((e) => [e.level, e.http?.request?.method, e.http?.request?.url, e.http?.response?.status]),
    ).toEqual([
      ['error', 'POST', `${server.url}/pay?status=503`, 503],
      ['warn', 'GET', `${server.url}/slow`, 200],
    ]);
    expect(events[0]!.http?.request?.headers).toContainEqual(['x-trace', 'abc']);
    expect(events[0]!.http?.response?.headers).toContainEqual(['x-reply', 'yes']);
    expect(events[1]!.http?.response?.durationMs).toBeGreaterThanOrEqual(600);
    expect(source.pendingCount()).toBe(0);
  });

  it('captures network errors and aborts, with undici request bodies', async () => {
    const closed = await startServer();
    const deadUrl = closed.url;
    await closed.close();
    const source = fetchSource();
    const { events, detach } = collect(source);
    await fetch(`${deadUrl}/refused`).catch(() => {});
    await fetch(`${server.url}/hang`, { signal: AbortSignal.timeout(50) }).catch(() => {});
    const r = await undiciRequest(`${server.url}/u?status=500`, { method: 'PUT', body: '{"a":1}' });
    await r.body.text();
    detach();
    expect(events.map((e) => e.http?.error?.code ?? e.http?.response?.status)).toEqual([
      expect.stringMatching(/ECONNREFUSED|UND_ERR/),
      expect.any(String),
      500,
    ]);
    expect(String(events[2]!.http?.request?.body)).toBe('{"a":1}');
    expect(source.pendingCount()).toBe(0);
  });

  it('keeps body excerpts up to maxBodyBytes, marked as cut, and sends the server the full body', async () => {
    const sink = memorySink();
    const offpath = createOffpath({ destinations: [{ name: 'm', type: 'custom', sink }], redact: false });
    const detach = offpath.attach(fetchSource({ maxBodyBytes: 4 }));
    const big = 'abcdefghij'.repeat(100);
    const res = await undiciRequest(`${server.url}/b?status=502`, { method: 'POST', body: big });
    expect(await res.body.text()).toBe('body-502');
    expect(server.received.at(-1)?.body.toString()).toBe(big);
    detach();
    await offpath.flush();
    const [record] = sink.records;
    expect(record?.http?.request?.body).toEqual({
      data: 'abcd',
      encoding: 'utf8',
      size: 1000,
      truncated: true,
    });
    await offpath.close();
  });

  it('skips excluded URLs, unwanted methods and sampled-out requests, and offpath’s own traffic', async () => {
    const source = fetchSource({
      exclude: ['**/private/**'],
      methods: ['GET'],
      sampleRate: 0.5,
      random: (() => {
        let n = 0;
        return () => (n++ % 2) / 2;
      })(),
    });
    const { events, detach } = collect(source);
    await (await fetch(`${server.url}/private/x?status=500`)).text();
    await (await fetch(`${server.url}/x?status=500`, { method: 'DELETE' })).text();
    await (await fetch(`${server.url}/a?status=500`)).text(); // sampled in (0)
    await (await fetch(`${server.url}/b?status=500`)).text(); // sampled out (0.5)
    await runSuppressed(async () => (await fetch(`${server.url}/own?status=500`)).text());
    detach();
    expect(events.map((e) => e.http?.request?.url)).toEqual([`${server.url}/a?status=500`]);
  });
});

describe('node:http source', () => {
  it('captures failures, network errors and unread responses, and changes nothing for the app', async () => {
    const source = httpSource();
    const { events, detach } = collect(source);
    const res = await get(`${server.url}/x?status=404`, { headers: { 'X-Case': 'Kept' } });
    expect(res).toEqual({ status: 404, body: 'body-404' });
    const closed = await startServer();
    await closed.close();
    await get(`${closed.url}/refused`).catch((e: NodeJS.ErrnoException) =>
      expect(e.code).toBe('ECONNREFUSED'),
    );
    // A response the app never reads: released when the request closes.
    await new Promise<void>((resolve) => {
      const req = http.get(`${server.url}/y?status=500`, (r) => {
        r.destroy();
        req.destroy();
        setTimeout(resolve, 20);
      });
    });
    detach();
    expect(events.map((e) => e.http?.response?.status ?? e.http?.error?.code)).toEqual([
      404,
      'ECONNREFUSED',
      500,
    ]);
    expect(events[0]!.http?.request?.headers).toContainEqual(['X-Case', 'Kept']);
    expect(source.pendingCount()).toBe(0);
  });

  it('keeps no state after 5,000 requests with random aborts and timeouts', async () => {
    const source = httpSource({ status: ['2xx', '4xx', '5xx'] });
    const { events, detach } = collect(source);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    let n = 0;
    const one = (i: number) =>
      new Promise<void>((resolve) => {
        const path = i % 7 === 0 ? '/hang' : `/s?status=${i % 3 === 0 ? 500 : 200}`;
        const req = http.get(`${server.url}${path}`, { agent, timeout: 30 }, (res) => {
          if (i % 5 === 0) res.destroy();
          else res.resume();
          res.on('close', resolve);
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve());
        if (i % 11 === 0) setImmediate(() => req.destroy());
        n++;
      });
    for (let batch = 0; batch < 50; batch++)
      await Promise.all(Array.from({ length: 100 }, (_, i) => one(batch * 100 + i)));
    await new Promise((r) => setTimeout(r, 50));
    detach();
    agent.destroy();
    expect(n).toBe(5_000);
    expect(source.pendingCount()).toBe(0);
    expect(events.length).toBeGreaterThan(3_000);
  }, 60_000);
});

describe('capture through an offpath instance', () => {
  it('never captures its own deliveries, so there is no feedback loop', async () => {
    const collector = await startServer((_req, res) => res.writeHead(500).end('collector is failing'));
    const offpath = createOffpath({
      destinations: [
        { name: 'c', type: 'http', url: collector.url, retry: 'noRetry', batch: { maxDelayMs: 10 } },
      ],
    });
    const detachFetch = offpath.attach(fetchSource());
    const detachHttp = offpath.attach(httpSource());
    await (await fetch(`${server.url}/app?status=502`)).text();
    await new Promise((r) => setTimeout(r, 500));
    detachFetch();
    detachHttp();
    // One captured app call; the collector's 500 answers to offpath itself were not captured again.
    expect(offpath.stats().emitted).toBe(1);
    await offpath.close({ timeoutMs: 100 });
    await collector.close();
  });
});
