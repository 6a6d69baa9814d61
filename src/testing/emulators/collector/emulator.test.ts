import { deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type CollectorEmulator, type CollectorEmulatorOptions, startCollectorEmulator } from './emulator.js';

let collector: CollectorEmulator;
afterEach(async () => {
  await collector.close();
});

async function start(options: CollectorEmulatorOptions = {}) {
  collector = await startCollectorEmulator(options);
  return `${collector.url}/ingest`;
}

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: new Uint8Array(typeof body === 'string' ? Buffer.from(body) : body),
  });
  return { status: res.status, json: (await res.json()) as unknown };
}

describe('collector emulator', () => {
  it('accepts a JSON array, a single object and NDJSON', async () => {
    const url = await start();
    expect(await post(url, '[{"a":1},{"a":2}]')).toEqual({
      status: 200,
      json: { accepted: 2, duplicate: false },
    });
    expect((await post(url, '{"a":3}')).status).toBe(200);
    expect(
      (await post(url, '{"a":4}\n\n{"a":5}\n', { 'content-type': 'application/x-ndjson' })).json,
    ).toEqual({
      accepted: 2,
      duplicate: false,
    });
    expect(collector.items()).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }, { a: 5 }]);
    expect(collector.batches().map((b) => [b.format, b.path, b.seq])).toEqual([
      ['json-array', '/ingest', 1],
      ['json-object', '/ingest', 2],
      ['ndjson', '/ingest', 3],
    ]);
  });

  it('decodes gzip and deflate bodies and keeps the compressed bytes in received', async () => {
    const url = await start();
    const gz = gzipSync('[{"z":1}]');
    expect((await post(url, gz, { 'content-encoding': 'gzip' })).status).toBe(200);
    expect((await post(url, deflateSync('{"d":1}'), { 'content-encoding': 'deflate' })).status).toBe(200);
    expect(collector.items()).toEqual([{ z: 1 }, { d: 1 }]);
    expect(collector.batches()[0]?.encoding).toBe('gzip');
    expect(collector.received[0]?.rawBody.equals(gz)).toBe(true);
    expect(collector.received[0]?.body).toEqual([{ z: 1 }]);
  });

  it('refuses broken bodies with 400, unknown types and encodings with 415, and gzip bombs with 413', async () => {
    const url = await start({ maxBodyBytes: 1000 });
    expect(await post(url, 'not json')).toEqual({ status: 400, json: { error: 'invalid JSON' } });
    expect(await post(url, '{"a":1}\n{oops', { 'content-type': 'application/x-ndjson' })).toEqual({
      status: 400,
      json: { error: 'invalid JSON on line 2' },
    });
    expect(await post(url, '42')).toEqual({
      status: 400,
      json: { error: 'expected a JSON array or object' },
    });
    expect((await post(url, 'a=1', { 'content-type': 'text/csv' })).status).toBe(415);
    expect((await post(url, '[]', { 'content-encoding': 'zstd' })).status).toBe(415);
    expect((await post(url, Buffer.from('nope'), { 'content-encoding': 'gzip' })).status).toBe(400);
    expect(
      (await post(url, gzipSync(`[${'0,'.repeat(5000)}0]`), { 'content-encoding': 'gzip' })).status,
    ).toBe(413);
    expect((await post(url, `[${'0,'.repeat(600)}0]`)).status).toBe(413);
    expect(collector.items()).toEqual([]);
  });

  it('records idempotency keys and counts duplicates without adding their items twice', async () => {
    const url = await start();
    await post(url, '[1]', { 'idempotency-key': 'k1' });
    const again = await post(url, '[1]', { 'idempotency-key': 'k1' });
    await post(url, '[2]', { 'idempotency-key': 'k2' });
    expect(again.json).toEqual({ accepted: 0, duplicate: true });
    expect(collector.duplicateCount()).toBe(1);
    expect(collector.items()).toEqual([1, 2]);
    expect(collector.batches().map((b) => [b.idempotencyKey, b.duplicate])).toEqual([
      ['k1', false],
      ['k1', true],
      ['k2', false],
    ]);
  });

  it('checks the auth header when configured, on posts and probes', async () => {
    const url = await start({ auth: { header: 'x-api-key', value: 'secret' } });
    expect(await post(url, '[1]')).toEqual({ status: 401, json: { error: 'unauthorized' } });
    expect((await post(url, '[1]', { 'x-api-key': 'secret' })).status).toBe(200);
    expect((await fetch(`${collector.url}/health`)).status).toBe(401);
    expect((await fetch(`${collector.url}/health`, { headers: { 'x-api-key': 'secret' } })).status).toBe(200);
  });

  it('answers the probe path with 200 and other methods with 405', async () => {
    await start({ probePath: '/ready' });
    const probe = await fetch(`${collector.url}/ready`);
    expect([probe.status, await probe.json()]).toEqual([200, { ok: true }]);
    expect((await fetch(`${collector.url}/ready`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${collector.url}/ingest`)).status).toBe(405);
    expect(collector.batches()).toEqual([]);
  });

  it('keeps at most maxRecords batches', async () => {
    const url = await start({ maxRecords: 5 });
    for (let i = 0; i < 6; i++) await post(url, `[${i}]`);
    expect(collector.items()).toEqual([2, 3, 4, 5]);
  });

  it('uses the configured success status and the platform-neutral 429', async () => {
    const url = await start({ successStatus: 202 });
    expect((await post(url, '[1]')).status).toBe(202);
    collector.faults.rateLimitNext(1, 2.5);
    const res = await fetch(url, {
      method: 'POST',
      body: '[1]',
      headers: { 'content-type': 'application/json' },
    });
    expect([res.status, res.headers.get('retry-after'), await res.json()]).toEqual([
      429,
      '3',
      { error: 'rate limited' },
    ]);
  });
});
