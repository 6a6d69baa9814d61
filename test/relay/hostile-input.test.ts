/**
 * Hostile bodies and connections against a real relay with short timeouts: each gets the right
 * status, the relay never crashes, nothing is accepted twice and everything answered 202 is delivered.
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { reconciles } from '../../src/pipeline/ledger.js';
import { startTestRelay, TOKEN, waitFor } from '../helpers/relay.js';

const SHORT = {
  server: {
    maxBodyBytes: 65_536,
    headersTimeoutMs: 400,
    requestTimeoutMs: 1_500,
    keepAliveTimeoutMs: 200,
    maxConnections: 200,
  },
};

/** Streams `total` bytes in 1 MB chunks (never holding them at once); resolves with the status or the socket error. */
function stream(url: string, total: number, headers: Record<string, string>): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    const chunk = Buffer.alloc(1_048_576, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('hostile input', () => {
  it('answers each hostile body with the right status and accepts each valid event exactly once', async () => {
    const { relay, collector, post } = await startTestRelay(SHORT);
    const deep = `{"message":"deep","fields":{"a":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`;
    const cases: Array<[string, () => Promise<Response>, number, number]> = [
      ['truncated JSON', () => post('/v1/events', '[{"message":"x"},'), 400, 0],
      ['empty body', () => post('/v1/events', ''), 400, 0],
      ['JSON null', () => post('/v1/events', 'null'), 202, 0],
      ['array of non-objects', () => post('/v1/events', '[1,"two",null,[3]]'), 202, 0],
      ['deeply nested fields (10,000 levels)', () => post('/v1/events', deep), 202, 1],
      [
        'deeply nested arrays (30,000 levels)',
        () => post('/v1/events', `${'['.repeat(30_000)}${']'.repeat(30_000)}`),
        202,
        0,
      ],
      [
        'wrong types',
        () => post('/v1/events', '[{"level":3},{"fields":"x"},{"time":"yesterday"},{"message":"typed-ok"}]'),
        202,
        1,
      ],
      [
        'invalid UTF-8',
        () => post('/v1/events', Buffer.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
        400,
        0,
      ],
      ['unknown content type', () => post('/v1/events', '{}', { 'content-type': 'application/xml' }), 415, 0],
      ['unknown content encoding', () => post('/v1/events', '{}', { 'content-encoding': 'zstd' }), 415, 0],
      [
        'gzip bomb (10 MB of zeros in 10 KB)',
        () => post('/v1/events', gzipSync(Buffer.alloc(10_000_000)), { 'content-encoding': 'gzip' }),
        413,
        0,
      ],
      [
        'valid gzip',
        () => post('/v1/events', gzipSync('{"message":"gz-ok"}'), { 'content-encoding': 'gzip' }),
        202,
        1,
      ],
      [
        'NDJSON with a broken line',
        () => post('/v1/events', '{"message":"nd-ok"}\n{"mess\n', { 'content-type': 'application/x-ndjson' }),
        202,
        1,
      ],
      ['wrong method', () => fetch(`${relay.url}/v1/events`, { method: 'PUT', body: '{}' }), 405, 0],
      ['unknown path', () => fetch(`${relay.url}/v1/nothing`), 404, 0],
    ];
    let expectedEvents = 0;
    for (const [name, send, status, accepted] of cases) {
      const res = await send();
      expect(res.status, name).toBe(status);
      if (status === 202) expect(((await res.json()) as { accepted: number }).accepted, name).toBe(accepted);
      else await res.body?.cancel();
      expectedEvents += accepted;
    }
    // 100 MB, declared: refused before a byte of it is read.
    expect(await stream(relay.url, 100 * 1_048_576, { 'content-length': String(100 * 1_048_576) })).toBe(413);
    // 100 MB, chunked: refused once the limit is crossed, the connection closed.
    const chunked = await stream(relay.url, 100 * 1_048_576, {});
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(chunked);

    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    await waitFor(() => collector.items().length === expectedEvents, 10_000, `${expectedEvents} deliveries`);
    await relay.instance.flush({ timeoutMs: 5_000 });
    const messages = (collector.items() as Array<{ message?: string }>).map((i) => i.message).sort();
    expect(messages).toEqual(['deep', 'gz-ok', 'nd-ok', 'typed-ok']);
    expect(relay.instance.stats().emitted).toBe(expectedEvents);
    expect(reconciles(relay.instance.stats())).toBe(true);
  });

  it('closes a slow-loris connection that trickles its headers, and keeps serving others', async () => {
    const { relay } = await startTestRelay(SHORT);
    const { port } = new URL(relay.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.on('error', () => {});
    let answer = '';
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
    });
    const started = Date.now();
    socket.write('POST /v1/events HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => {
      if (!socket.destroyed) socket.write('X-Slow: a\r\n');
    }, 100);
    // The server side counts: its socket must be gone, whatever the client does.
    await waitFor(
      async () => (await relay.server.connections()) === 0,
      5_000,
      'the server to drop the connection',
    );
    clearInterval(trickle);
    socket.destroy();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  });

  it('keeps 10,000 concurrent idle connections within maxConnections and closes them by timeout', async () => {
    const { relay } = await startTestRelay(SHORT);
    const { port } = new URL(relay.url);
    const sockets: Socket[] = [];
    let peak = 0;
    const sample = setInterval(() => {
      void relay.server.connections().then((n) => {
        peak = Math.max(peak, n);
      });
    }, 20);
    for (let batch = 0; batch < 50; batch++) {
      await Promise.all(
        Array.from(
          { length: 200 },
          () =>
            new Promise<void>((resolve) => {
              const s = connect(Number(port), '127.0.0.1', () => resolve());
              s.on('error', () => resolve());
              s.on('close', () => resolve());
              sockets.push(s);
            }),
        ),
      );
    }
    expect(sockets.length).toBe(10_000);
    await waitFor(
      async () => (await relay.server.connections()) === 0,
      10_000,
      'idle connections to be closed',
    );
    clearInterval(sample);
    expect(peak).toBeLessThanOrEqual(200);
    for (const s of sockets) s.destroy();
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    expect(relay.instance.stats().emitted).toBe(0);
    // Opening 10,000 sockets on a busy two-core machine takes a while (SYN retries when the backlog is full).
  }, 120_000);
});
