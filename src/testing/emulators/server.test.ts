import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../manual-clock.js';
import { type EmulatorServer, type EmulatorServerOptions, startEmulatorServer } from './server.js';

let server: EmulatorServer;
afterEach(async () => {
  await server.close();
});

/** A bare core whose platform answers 200 "ok", "failed <status>" and "slow down <s>". */
async function start(options: EmulatorServerOptions = {}) {
  server = await startEmulatorServer(
    {
      handle: (req) => {
        req.setParsedBody(req.body.toString('utf8'));
        return { status: 200, headers: { 'x-handled': 'yes' }, body: 'ok' };
      },
      failure: (_req, status) => ({ status, body: `failed ${status}` }),
      rateLimited: (_req, s) => ({
        status: 429,
        headers: { 'Retry-After': String(s) },
        body: `slow down ${s}`,
      }),
    },
    options,
  );
  return server;
}

async function hit(path = '/x', body = 'b') {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body });
  return { status: res.status, text: await res.text() };
}

async function statuses(n: number): Promise<Array<number | string>> {
  const out: Array<number | string> = [];
  for (let i = 0; i < n; i++)
    out.push(
      await hit().then(
        (r) => r.status,
        () => 'error',
      ),
    );
  return out;
}

describe('emulator server core', () => {
  it('listens on 127.0.0.1 with a free port and records every request', async () => {
    const clock = new ManualClock(5000);
    await start({ clock });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    await fetch(`${server.url}/path/x?a=1&a=2&b=3`, {
      method: 'POST',
      headers: { 'x-test': 't' },
      body: 'hello',
    });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]).toMatchObject({
      seq: 1,
      method: 'POST',
      path: '/path/x',
      query: { a: '1', b: '3' },
      body: 'hello',
      ip: '127.0.0.1',
      time: 5000,
      status: 200,
      responseBody: 'ok',
      fault: undefined,
    });
    expect(server.received[0]?.headers['x-test']).toBe('t');
    expect(server.received[0]?.rawBody.toString()).toBe('hello');
    expect(server.received[0]?.responseHeaders['x-handled']).toBe('yes');
  });

  it('fails the next n requests with the given status, 503 by default', async () => {
    await start();
    server.faults.failNext(1);
    server.faults.failNext(1, 500);
    expect(await statuses(3)).toEqual([503, 500, 200]);
    expect(server.received.map((r) => r.fault)).toEqual(['fail', 'fail', undefined]);
    expect(server.received[0]?.responseBody).toBe('failed 503');
  });

  it('fails a seeded share of requests, the same ones on every run', async () => {
    await start();
    server.faults.setFailureRate(0.5, { status: 502, seed: 7 });
    const first = await statuses(20);
    server.faults.setFailureRate(0.5, { status: 502, seed: 7 });
    const second = await statuses(20);
    expect(second).toEqual(first);
    const failed = first.filter((s) => s === 502).length;
    expect(failed).toBeGreaterThan(3);
    expect(failed).toBeLessThan(17);
    server.faults.setFailureRate(0);
    expect(await statuses(3)).toEqual([200, 200, 200]);
  });

  it('mixes faults in their shares: error statuses, resets and 429s, the same ones on every run', async () => {
    await start();
    const mix = { fail: 0.2, reset: 0.05, rateLimit: 0.05, retryAfterSec: 1 };
    server.faults.setFaultMix(mix, { seed: 3 });
    const first = await statuses(400);
    server.faults.setFaultMix(mix, { seed: 3 });
    expect(await statuses(400)).toEqual(first);
    const share = (v: number | string) => first.filter((s) => s === v).length / first.length;
    expect(share(503)).toBeGreaterThan(0.14);
    expect(share(503)).toBeLessThan(0.26);
    expect(share('error')).toBeGreaterThan(0.02);
    expect(share('error')).toBeLessThan(0.09);
    expect(share(429)).toBeGreaterThan(0.02);
    expect(share(429)).toBeLessThan(0.09);
    expect(server.received.find((r) => r.status === 429)?.responseHeaders['retry-after']).toBe('1');
    expect(() => server.faults.setFaultMix({ fail: 0.6, reset: 0.5 })).toThrow(/more than 1/);
    server.faults.clear();
    expect(await statuses(3)).toEqual([200, 200, 200]);
  });

  it('resets the connection of the next n requests without an answer', async () => {
    await start();
    server.faults.resetNext(2);
    expect(await statuses(3)).toEqual(['error', 'error', 200]);
    expect(server.received.map((r) => [r.fault, r.status])).toEqual([
      ['reset', undefined],
      ['reset', undefined],
      [undefined, 200],
    ]);
  });

  it('answers the next n requests with an injected 429', async () => {
    await start();
    server.faults.rateLimitNext(1, 3);
    expect(await hit()).toEqual({ status: 429, text: 'slow down 3' });
    expect(server.received[0]?.responseHeaders['retry-after']).toBe('3');
    expect((await hit()).status).toBe(200);
  });

  it('hangs the next n requests until close(), which destroys their sockets', async () => {
    await start();
    server.faults.hangNext(1);
    const hanging = fetch(`${server.url}/x`, { method: 'POST', body: 'b' }).then(
      (r) => r.status,
      (err: unknown) => (err instanceof Error ? 'error' : 'other'),
    );
    await expect.poll(() => server.received.length).toBe(1);
    expect(server.received[0]).toMatchObject({ fault: 'hang', status: undefined });
    expect((await hit()).status).toBe(200);
    await server.close();
    expect(await hanging).toBe('error');
  });

  it('hangs every request while hang is true', async () => {
    await start();
    server.faults.hang = true;
    const controller = new AbortController();
    const pending = fetch(`${server.url}/x`, { method: 'POST', body: 'b', signal: controller.signal }).catch(
      () => 'aborted',
    );
    await expect.poll(() => server.received.length).toBe(1);
    controller.abort();
    expect(await pending).toBe('aborted');
    server.faults.hang = false;
    expect((await hit()).status).toBe(200);
  });

  it('delays answers by latencyMs on the injected clock', async () => {
    const clock = new ManualClock();
    await start({ clock });
    server.faults.latencyMs = 250;
    let done = false;
    const pending = hit().then((r) => {
      done = true;
      return r.status;
    });
    await expect.poll(() => server.received.length).toBe(1);
    await clock.advanceAsync(249);
    expect(done).toBe(false);
    await clock.advanceAsync(1);
    expect(await pending).toBe(200);
  });

  it('runs an action after n more handled requests', async () => {
    await start();
    const seen: number[] = [];
    server.faults.afterRequests(2, () => seen.push(server.received.length));
    await statuses(3);
    expect(seen).toEqual([2]);
  });

  it('answers oversized bodies through the platform failure with 413', async () => {
    await start({ maxBodyBytes: 10 });
    expect(await hit('/x', 'x'.repeat(11))).toEqual({ status: 413, text: 'failed 413' });
    expect((await hit('/x', 'x'.repeat(10))).status).toBe(200);
  });

  it('clear() removes every queued fault and rejects bad counts eagerly', async () => {
    await start();
    server.faults.failNext(3);
    server.faults.latencyMs = 10_000;
    server.faults.clear();
    expect(await statuses(2)).toEqual([200, 200]);
    expect(() => server.faults.failNext(-1)).toThrow(TypeError);
    expect(() => server.faults.failNext(1, 42)).toThrow(TypeError);
    expect(() => server.faults.setFailureRate(2)).toThrow(TypeError);
  });

  it('keeps at most maxRecords requests, dropping the oldest tenth when full', async () => {
    await start({ maxRecords: 10 });
    await statuses(11);
    expect(server.received.map((r) => r.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    await expect(startEmulatorServer({} as never, { maxRecords: 0 })).rejects.toThrow(TypeError);
  });

  it('closes idempotently and stops listening', async () => {
    await start();
    const { url } = server;
    await server.close();
    await server.close();
    await expect(fetch(`${url}/x`)).rejects.toThrow();
  });
});
