import http, { type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { OffpathEvents } from '../../src/pipeline/events.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { closedPort } from '../helpers/cleanups.js';
import { gateway, send, upstream } from '../helpers/gateway-harness.js';

/** An upstream that plays `script` in order, one step per request, then answers 200. */
async function scripted(script: Array<(res: ServerResponse) => void>) {
  let step = 0;
  return upstream((req, res) => {
    req.resume();
    const next = script[step++];
    if (next) next(res);
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok after ${step - 1}`);
  });
}
const status =
  (code: number, headers: Record<string, string> = {}) =>
  (res: ServerResponse) =>
    res.writeHead(code, headers).end(`status ${code}`);
const reset = (res: ServerResponse) => res.socket?.destroy();

describe('gateway: upstream resilience', () => {
  it('retries an idempotent request after a 503 and a reset connection; never a POST', async () => {
    const up = await scripted([status(503), reset]);
    const { url, running } = await gateway([
      { target: up.url, retry: { maxAttempts: 3, initialDelayMs: 5 } },
    ]);
    const get = await send(`${url}/thing`);
    expect(get.status).toBe(200);
    expect(get.body.toString()).toBe('ok after 2');
    expect(up.requests).toBe(3);

    const post = await scripted([status(503)]);
    const second = await gateway([{ target: post.url, retry: { maxAttempts: 3, initialDelayMs: 5 } }]);
    const reply = await send(`${second.url}/charge`, { method: 'POST', body: '{"amount":1}' });
    expect(reply.status).toBe(503);
    expect(post.requests).toBe(1);
    expect(running.gateway.stats().proxies['default']?.retries).toBe(2);
    expect(second.running.gateway.stats().proxies['default']?.retries).toBe(0);
  });

  it('gives up with 502 when the upstream cannot be reached, after the allowed attempts', async () => {
    const port = await closedPort();
    const { url, running, offpath, sink } = await gateway([
      { target: `http://127.0.0.1:${port}`, retry: { maxAttempts: 2, initialDelayMs: 1 } },
    ]);
    const reply = await send(`${url}/x`);
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body.toString()).error).toMatchObject({ code: 'bad_gateway' });
    expect(running.gateway.stats().proxies['default']).toMatchObject({ retries: 1 });
    await offpath.flush();
    expect(sink.records[0]).toMatchObject({
      level: 'error',
      fields: { outcome: 'upstream-error', attempts: 2 },
    });
    expect(sink.records[0]?.http?.error?.code).toBe('ECONNREFUSED');
  });

  it('opens the breaker after consecutive failures: fast 503 with Retry-After, then probes and closes', async () => {
    const clock = new ManualClock(Date.now());
    const up = await scripted([status(500), status(500), status(500)]);
    const { url, running } = await gateway([{ target: up.url, breaker: 'strict', retry: 'noRetry' }], {
      clock,
    });
    for (let i = 0; i < 3; i++) expect((await send(`${url}/x`)).status).toBe(500);
    const refused = await send(`${url}/x`);
    expect(refused.status).toBe(503);
    // strict: 15 s open, ±10 % jitter.
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(13);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(17);
    expect(up.requests).toBe(3);
    expect(running.gateway.stats().proxies['default']).toMatchObject({
      breaker: 'open',
      outcomes: { 'breaker-open': 1 },
    });
    clock.advance(16_500);
    expect(running.gateway.stats().proxies['default']?.breaker).toBe('half-open');
    expect((await send(`${url}/x`)).status).toBe(200);
    expect((await send(`${url}/x`)).status).toBe(200);
    expect(running.gateway.stats().proxies['default']?.breaker).toBe('closed');
    expect(up.requests).toBe(5);
  });

  it('passes an upstream 429 to the client with its Retry-After, records it, and never retries it', async () => {
    const up = await scripted([status(429, { 'retry-after': '7' })]);
    const { url, offpath, running } = await gateway([{ target: up.url, retry: 'aggressive' }]);
    const seen: Array<OffpathEvents['rate-limited']> = [];
    offpath.on('rate-limited', (e) => seen.push(e));
    const reply = await send(`${url}/v1/chat`);
    expect(reply.status).toBe(429);
    expect(reply.headers['retry-after']).toBe('7');
    expect(up.requests).toBe(1);
    expect(seen).toEqual([
      {
        destination: 'default',
        proxy: 'default',
        requestId: reply.headers['x-offpath-request-id'],
        waitMs: 7_000,
        source: 'retry-after',
      },
    ]);
    expect(running.gateway.stats().proxies['default']).toMatchObject({ rateLimited: 1, retries: 0 });
  });

  it('answers 504 when the upstream sends no headers within timeoutMs', async () => {
    const up = await upstream(() => {
      // never answers
    });
    const { url, offpath, sink } = await gateway([{ target: up.url, timeoutMs: 200, retry: 'noRetry' }]);
    const started = performance.now();
    const reply = await send(`${url}/slow`);
    expect(reply.status).toBe(504);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    await offpath.flush();
    expect(sink.records[0]?.fields).toMatchObject({ outcome: 'timeout' });
  });

  it('counts timeoutMs from the end of the request, so a slow upload is not a slow upstream', async () => {
    const up = await upstream((req, res) => {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.end(`got ${n}`));
    });
    const { url } = await gateway([{ target: up.url, timeoutMs: 200, retry: 'noRetry' }]);
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${url}/upload`,
        { method: 'PUT', headers: { 'content-length': '4000' } },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      let sent = 0;
      const next = () => {
        req.write(Buffer.alloc(1000, 1));
        if (++sent < 4) setTimeout(next, 150);
        else req.end();
      };
      next();
    });
    expect(reply).toEqual({ status: 200, body: 'got 4000' });
  });

  it('never retries once the first response byte went to the client', async () => {
    const up = await scripted([
      (res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        setTimeout(() => res.socket?.destroy(), 20);
      },
    ]);
    const { url, offpath, sink } = await gateway([
      { target: up.url, retry: { maxAttempts: 5, initialDelayMs: 1 } },
    ]);
    await expect(send(`${url}/stream`)).rejects.toThrow();
    expect(up.requests).toBe(1);
    await offpath.flush();
    expect(sink.records[0]).toMatchObject({
      level: 'error',
      fields: { outcome: 'upstream-error', attempts: 1 },
    });
  });
});
