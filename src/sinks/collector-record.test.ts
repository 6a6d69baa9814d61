import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onCleanup } from '../../test/helpers/cleanups.js';
import { createOffpath } from '../instance/create-offpath.js';
import { type CollectorEmulator, startCollectorEmulator } from '../testing/index.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Line = Record<string, unknown> & { id: string; message?: string; host?: string };

async function collector(): Promise<CollectorEmulator> {
  const c = await startCollectorEmulator();
  onCleanup(() => c.close());
  return c;
}

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'offpath-records-')), 'records.ndjson');
}

function fileLines(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('records sent to collectors and files', () => {
  for (const format of ['json', 'ndjson'] as const) {
    it(`carry service, host, environment, release and one global id, in a file and as ${format}`, async () => {
      const c = await collector();
      const path = tempFile();
      const offpath = createOffpath({
        service: 'checkout',
        environment: 'staging',
        release: '1.4.2+abc123',
        host: 'web-7',
        destinations: [
          { name: 'lake', type: 'http', url: `${c.url}/ingest`, format, batch: { maxDelayMs: 5 } },
          { name: 'disk', type: 'file', path },
        ],
      });
      for (let i = 0; i < 5; i++) offpath.emit({ level: 'warn', message: `m${i}` });
      await offpath.close();
      const sent = c.items() as Line[];
      const written = fileLines(path);
      expect(sent).toHaveLength(5);
      expect(written).toHaveLength(5);
      for (const record of [...sent, ...written]) {
        expect(Object.keys(record).slice(0, 5)).toEqual(['id', 'service', 'host', 'environment', 'release']);
        expect(record).toMatchObject({
          service: 'checkout',
          host: 'web-7',
          environment: 'staging',
          release: '1.4.2+abc123',
          level: 'warn',
        });
        expect(record.id).toMatch(UUID_V7);
        expect(record).not.toHaveProperty('uid');
      }
      // One event is one id, whichever destination it reaches.
      const byMessage = (lines: Line[]) => new Map(lines.map((l) => [l.message, l.id]));
      expect(byMessage(sent)).toEqual(byMessage(written));
      expect(new Set(sent.map((r) => r.id)).size).toBe(5);
    });
  }

  it('leave out what is unset, except the host, which defaults to the machine name', async () => {
    const c = await collector();
    const path = tempFile();
    const offpath = createOffpath({
      destinations: [
        { name: 'lake', type: 'http', url: c.url, batch: { maxDelayMs: 5 } },
        { name: 'disk', type: 'file', path },
      ],
    });
    offpath.emit({ message: 'plain' });
    await offpath.close();
    for (const record of [...(c.items() as Line[]), ...fileLines(path)]) {
      expect(record.host).toBe(hostname());
      expect(record).not.toHaveProperty('service');
      expect(record).not.toHaveProperty('environment');
      expect(record).not.toHaveProperty('release');
    }
  });

  it('take what the config leaves unset from OFFPATH_* variables; the config wins', async () => {
    vi.stubEnv('OFFPATH_SERVICE', 'from-env');
    vi.stubEnv('OFFPATH_ENVIRONMENT', 'production');
    vi.stubEnv('OFFPATH_RELEASE', 'v9');
    vi.stubEnv('OFFPATH_HOST', 'pod-3');
    const c = await collector();
    const offpath = createOffpath({
      service: 'from-config',
      destinations: [{ name: 'lake', type: 'http', url: c.url, batch: { maxDelayMs: 5 } }],
    });
    offpath.emit({ message: 'x' });
    await offpath.close();
    expect(c.items()[0]).toMatchObject({
      service: 'from-config',
      environment: 'production',
      release: 'v9',
      host: 'pod-3',
    });
  });

  it('carry the new origin after a reconfigure', async () => {
    const c = await collector();
    const destinations = [{ name: 'lake', type: 'http' as const, url: c.url, batch: { maxDelayMs: 5 } }];
    const offpath = createOffpath({ environment: 'staging', destinations });
    offpath.emit({ message: 'before' });
    await offpath.flush();
    await offpath.reconfigure({ environment: 'production', release: 'v2', destinations });
    offpath.emit({ message: 'after' });
    await offpath.close();
    const seen = (c.items() as Line[]).map((r) => [r.message, r['environment'], r['release']]);
    expect(seen).toEqual([
      ['before', 'staging', undefined],
      ['after', 'production', 'v2'],
    ]);
  });

  it('round HTTP durations to the microsecond', async () => {
    const c = await collector();
    const path = tempFile();
    const offpath = createOffpath({
      destinations: [
        { name: 'lake', type: 'http', url: c.url, format: 'ndjson', batch: { maxDelayMs: 5 } },
        { name: 'disk', type: 'file', path },
      ],
    });
    const durations = [12.3456789, 0.0004999, 0.0005001, 7, 1234.5678949];
    for (const durationMs of durations) {
      offpath.emit({
        http: { request: { method: 'GET', url: 'http://api.test/x' }, response: { status: 200, durationMs } },
      });
    }
    await offpath.close();
    const body = c.batches().flatMap((b) => b.items) as Array<{ http: { response: { durationMs: number } } }>;
    const got = (lines: typeof body) => lines.map((r) => r.http.response.durationMs).sort((a, b) => a - b);
    const expected = [0, 0.001, 7, 12.346, 1234.568];
    expect(got(body)).toEqual(expected);
    expect(got(fileLines(path) as unknown as typeof body)).toEqual(expected);
    // As text: never more than three decimals.
    for (const line of readFileSync(path, 'utf8').trim().split('\n')) {
      expect(line).toMatch(/"durationMs":\d+(\.\d{1,3})?[,}]/);
    }
  });

  it('keep their id when a restart delivers them from the spool', async () => {
    const c = await collector();
    const dir = mkdtempSync(join(tmpdir(), 'offpath-records-'));
    const spool = { path: join(dir, 'spool.db') };
    const path = join(dir, 'records.ndjson');
    c.faults.setFailureRate(1, { status: 503 });
    const first = createOffpath({
      destinations: [
        {
          name: 'lake',
          type: 'http',
          url: c.url,
          retry: { maxAttempts: 5, initialDelayMs: 60_000 },
          batch: { maxDelayMs: 5 },
        },
        { name: 'disk', type: 'file', path },
      ],
      spool,
    });
    for (let i = 0; i < 10; i++) first.emit({ message: `m${i}` });
    // The collector fails and the retry waits a minute: the close cuts the records off into the spool.
    await first.close({ timeoutMs: 500 });
    expect(first.stats().destinations['lake']).toMatchObject({ spooled: 10 });
    const written = fileLines(path);
    expect(written).toHaveLength(10);
    c.faults.setFailureRate(0);
    const second = createOffpath({
      destinations: [{ name: 'lake', type: 'http', url: c.url, batch: { maxDelayMs: 5 } }],
      spool,
    });
    await second.flush({ timeoutMs: 10_000 });
    await second.close();
    const delivered = (c.items() as Line[]).map((l) => [l.message, l.id] as const);
    expect(delivered).toHaveLength(10);
    expect(new Map(delivered)).toEqual(new Map(written.map((l) => [l.message, l.id])));
  });

  it('keep their id when dead letters are replayed', async () => {
    const c = await collector();
    const dir = mkdtempSync(join(tmpdir(), 'offpath-records-'));
    const path = join(dir, 'records.ndjson');
    c.faults.setFailureRate(1, { status: 400 });
    const offpath = createOffpath({
      destinations: [
        { name: 'lake', type: 'http', url: c.url, retry: 'noRetry', batch: { maxDelayMs: 5 } },
        { name: 'disk', type: 'file', path },
      ],
      spool: { path: join(dir, 'spool.db') },
    });
    for (let i = 0; i < 3; i++) offpath.emit({ message: `m${i}` });
    await offpath.flush({ timeoutMs: 10_000 });
    expect(offpath.stats().destinations['lake']).toMatchObject({ deadLettered: 3 });
    c.faults.setFailureRate(0);
    expect(offpath.replayDeadLetters()).toBe(3);
    await offpath.flush({ timeoutMs: 10_000 });
    await offpath.close();
    const delivered = (c.items() as Line[]).map((l) => [l.message, l.id] as const);
    expect(new Map(delivered)).toEqual(new Map(fileLines(path).map((l) => [l.message, l.id])));
    expect(delivered).toHaveLength(3);
  });
});
