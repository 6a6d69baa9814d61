import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { uuidV7 } from '../../src/core/random-id.js';
import { createOffpath, reconciles } from '../../src/index.js';
import { entryLine } from '../../src/spool/journal-format.js';
import { openSpool } from '../../src/spool/open-spool.js';
import { type CollectorEmulator, startCollectorEmulator } from '../../src/testing/index.js';
import { onCleanup } from '../helpers/cleanups.js';

async function collector(): Promise<CollectorEmulator> {
  const c = await startCollectorEmulator();
  onCleanup(() => c.close());
  return c;
}

function spoolPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'offpath-spool-')), 'spool.db');
}

const messages = (c: CollectorEmulator): string[] => c.items().map((i) => (i as { message: string }).message);
const rowCount = (path: string, table: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};
const range = (n: number, prefix = 'm'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('spool', () => {
  it('spills what a full lane cannot hold and delivers all of it, in order', async () => {
    const c = await collector();
    const path = spoolPath();
    const offpath = createOffpath({
      destinations: [
        {
          name: 'c',
          type: 'http',
          url: c.url,
          concurrency: 1,
          queue: { maxItems: 20, overflow: 'spool' },
          batch: { maxSize: 10, maxDelayMs: 5 },
        },
      ],
      spool: { path },
    });
    for (let i = 0; i < 500; i++) offpath.emit({ message: `m${i}` });
    const result = await offpath.close({ timeoutMs: 10_000 });
    expect(result.complete).toBe(true);
    expect(messages(c)).toEqual(range(500));
    const stats = offpath.stats();
    expect(stats.delivered).toBe(500);
    expect(stats.spooled).toBe(0);
    expect(reconciles(stats)).toBe(true);
    expect(rowCount(path, 'records')).toBe(0);
  });

  it('reports a flush that delivered spilled records as complete, with nothing cut off', async () => {
    const c = await collector();
    const offpath = createOffpath({
      destinations: [
        { name: 'c', type: 'http', url: c.url, concurrency: 1, queue: { maxItems: 20, overflow: 'spool' } },
      ],
      spool: { path: spoolPath() },
    });
    c.faults.latencyMs = 20; // the lane cannot keep up while the 300 are routed
    for (let i = 0; i < 300; i++) offpath.emit({ message: `m${i}` });
    while (offpath.stats().intake > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(offpath.stats().spooled).toBeGreaterThan(200);
    expect(await offpath.flush({ timeoutMs: 10_000 })).toEqual({ complete: true, pending: 0, cutOff: 0 });
    expect(messages(c)).toEqual(range(300));
    expect(await offpath.close()).toEqual({ complete: true, pending: 0, cutOff: 0 });
  });

  it('keeps what the close deadline cut off and replays it, in order, on the next start', async () => {
    const c = await collector();
    const path = spoolPath();
    c.faults.setFailureRate(1, { status: 503 });
    const config = {
      destinations: [
        {
          name: 'c',
          type: 'http' as const,
          url: c.url,
          concurrency: 1,
          batch: { maxSize: 10, maxDelayMs: 5 },
        },
      ],
      spool: { path },
    };
    const first = createOffpath(config);
    for (let i = 0; i < 100; i++) first.emit({ message: `m${i}` });
    const cut = await first.close({ timeoutMs: 300 });
    expect(cut.cutOff).toBe(100);
    expect(first.stats().spooled).toBe(100);
    expect(reconciles(first.stats())).toBe(true);
    expect(rowCount(path, 'records')).toBe(100);

    c.faults.clear();
    const second = createOffpath(config);
    second.emit({ message: 'after restart' });
    const result = await second.close({ timeoutMs: 10_000 });
    expect(result.complete).toBe(true);
    expect(messages(c)).toEqual([...range(100), 'after restart']);
    expect(reconciles(second.stats())).toBe(true);
    expect(rowCount(path, 'records')).toBe(0);
  });

  it('with durable: true keeps a copy of every accepted delivery until its destination acknowledges it', async () => {
    const c = await collector();
    const path = spoolPath();
    c.faults.hangNext(1);
    const offpath = createOffpath({
      destinations: [
        {
          name: 'c',
          type: 'http',
          url: c.url,
          concurrency: 1,
          batch: { maxSize: 50, maxDelayMs: 5 },
          sendTimeoutMs: 400,
          retry: { initialDelayMs: 5, maxDelayMs: 10 },
        },
      ],
      spool: { path, durable: true },
    });
    for (let i = 0; i < 50; i++) offpath.emit({ message: `m${i}` });
    await offpath.flush({ timeoutMs: 150 });
    // The first send hangs: nothing is delivered yet, and every accepted event is on disk.
    expect(c.items()).toEqual([]);
    expect(rowCount(path, 'records')).toBe(50);
    const done = await offpath.flush({ timeoutMs: 10_000 });
    expect(done.complete).toBe(true);
    expect(messages(c)).toEqual(range(50));
    expect(rowCount(path, 'records')).toBe(0);
    await offpath.close();
  });

  it("with durable: 'sync' journals every event before emit() returns and keeps the journal empty once settled", async () => {
    const c = await collector();
    const path = spoolPath();
    const offpath = createOffpath({
      destinations: [
        { name: 'c', type: 'http', url: c.url, batch: { maxSize: 100, maxDelayMs: 5 }, concurrency: 1 },
      ],
      spool: { path, durable: 'sync' },
    });
    for (let i = 0; i < 2_000; i++) offpath.emit({ message: `m${i}` });
    expect(offpath.stats().spool?.journal).toMatchObject({ appended: 2_000, failed: 0 });
    expect(offpath.stats().spool?.journal?.bytes).toBeGreaterThan(2_000 * 100);
    expect(await offpath.flush({ timeoutMs: 20_000 })).toEqual({ complete: true, pending: 0, cutOff: 0 });
    // Everything was routed and the spool flushed since: nothing left in the journal.
    expect(offpath.stats().spool?.journal?.bytes).toBe(0);
    expect(messages(c)).toEqual(range(2_000));
    await offpath.close();
    expect(reconciles(offpath.stats())).toBe(true);
    expect(readdirSync(`${path}.emit-journal`)).toEqual([]);
  });

  it("with durable: 'sync' recovers what a killed run left in its journal and counts it as accepted", async () => {
    const c = await collector();
    const path = spoolPath();
    const record = {
      id: 0,
      level: 'info' as const,
      kind: 'log',
      time: Date.now(),
      fields: {},
      tags: [],
      truncated: false,
    };
    mkdirSync(`${path}.emit-journal`);
    // A run whose process is gone (no such pid) accepted three events and crashed before routing them.
    writeFileSync(
      join(`${path}.emit-journal`, '4194404-1000-1-000001.ndjson'),
      [0, 1, 2]
        .map((i) =>
          entryLine(i + 1, Date.now(), ['c'], { ...record, uid: uuidV7(Date.now()), message: `left${i}` }),
        )
        .join(''),
    );
    const offpath = createOffpath({
      destinations: [{ name: 'c', type: 'http', url: c.url }],
      spool: { path, durable: 'sync' },
    });
    offpath.emit({ message: 'new' });
    expect(await offpath.flush({ timeoutMs: 10_000 })).toMatchObject({ complete: true });
    expect(messages(c)).toEqual(['left0', 'left1', 'left2', 'new']);
    const stats = offpath.stats();
    expect(stats.spool?.journal).toMatchObject({ recovered: 3, unreadable: 0 });
    expect(stats).toMatchObject({ emitted: 1, accepted: 4, delivered: 4 });
    expect(reconciles(stats)).toBe(true);
    await offpath.close();
  });

  it("with durable: 'sync' and an unusable journal directory, reports it and runs without a spool", async () => {
    const c = await collector();
    const path = spoolPath();
    writeFileSync(`${path}.emit-journal`, 'a file where the journal directory should be');
    const errors: Array<{ phase: string }> = [];
    const offpath = createOffpath(
      { destinations: [{ name: 'c', type: 'http', url: c.url }], spool: { path, durable: 'sync' } },
      { onError: (_error, context) => errors.push(context) },
    );
    expect(errors).toEqual([{ phase: 'spool' }]);
    expect(offpath.stats().spool).toBeUndefined();
    expect(offpath.emit({ message: 'still delivered' })).toBe(true);
    await offpath.close();
    expect(messages(c)).toEqual(['still delivered']);
  });

  it('drops records older than the TTL at replay, counted as dropped:expired', async () => {
    const c = await collector();
    const path = spoolPath();
    c.faults.setFailureRate(1, { status: 503 });
    const config = {
      destinations: [{ name: 'c', type: 'http' as const, url: c.url }],
      spool: { path, ttlMs: 50 },
    };
    const first = createOffpath(config);
    for (let i = 0; i < 10; i++) first.emit({ message: `m${i}` });
    await first.close({ timeoutMs: 100 });
    await new Promise((r) => setTimeout(r, 80));
    c.faults.clear();
    const second = createOffpath(config);
    await second.close({ timeoutMs: 5_000 });
    const stats = second.stats();
    expect(stats.droppedBy.expired).toBe(10);
    expect(stats.spool?.lost.expired).toBe(10);
    expect(reconciles(stats)).toBe(true);
    expect(messages(c)).toEqual([]);
    expect(rowCount(path, 'records')).toBe(0);
  });

  it('caps its size: the oldest records go first, counted as dropped:spool_full', async () => {
    const c = await collector();
    const path = spoolPath();
    c.faults.setFailureRate(1, { status: 503 });
    const offpath = createOffpath({
      destinations: [{ name: 'c', type: 'http', url: c.url, queue: { maxItems: 5, overflow: 'spool' } }],
      spool: { path, maxBytes: 20_000 },
    });
    for (let i = 0; i < 300; i++) offpath.emit({ message: `m${i}`, fields: { pad: 'x'.repeat(100) } });
    await offpath.flush({ timeoutMs: 300 });
    const stats = offpath.stats();
    expect(stats.droppedBy.spool_full).toBeGreaterThan(0);
    expect(stats.spool?.bytes).toBeLessThanOrEqual(20_000);
    expect(reconciles(stats)).toBe(true);
    await offpath.close({ timeoutMs: 100 });
    expect(reconciles(offpath.stats())).toBe(true);
  });

  it('keeps dead letters with reason, attempts and the redacted last response, and can requeue them', async () => {
    const c = await collector();
    const path = spoolPath();
    c.faults.failNext(1, 400);
    const offpath = createOffpath({
      destinations: [{ name: 'c', type: 'http', url: `${c.url}/ingest?token=s3cr3t-value-123` }],
      spool: { path },
    });
    offpath.emit({ level: 'error', message: 'card 4111 1111 1111 1111 declined' });
    await offpath.close();
    const { store } = openSpool(path);
    try {
      const [letter] = store.letters.list();
      expect(letter).toMatchObject({ destination: 'c', reason: 'rejected', attempts: 1, lastStatus: 400 });
      expect(letter?.record).not.toContain('4111 1111 1111 1111');
      expect(letter?.lastError).not.toContain('s3cr3t-value-123');
    } finally {
      store.close();
    }
  });

  it('moves a damaged or foreign file aside, reports it and keeps running', async () => {
    const c = await collector();
    const dir = mkdtempSync(join(tmpdir(), 'offpath-spool-'));
    const path = join(dir, 'spool.db');
    writeFileSync(path, 'this is not a database, just some text that happens to be here');
    const offpath = createOffpath({
      destinations: [{ name: 'c', type: 'http', url: c.url }],
      spool: { path },
    });
    offpath.emit({ message: 'still works' });
    await offpath.close();
    expect(offpath.stats().spool?.movedAside?.reason).toBe('not a SQLite database');
    expect(readdirSync(dir).some((f) => f.startsWith('spool.db.corrupt-'))).toBe(true);
    const alerts = c.items().map((i) => (i as { title?: string }).title);
    expect(alerts).toContain('offpath spool file was unusable and was moved aside');
    expect(messages(c)).toContain('still works');

    // Another program's SQLite file is not ours either.
    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE users (id INTEGER)');
    db.close();
    const opened = openSpool(foreign);
    opened.store.close();
    expect(opened.movedAside?.reason).toBe('a SQLite file of another program');
    expect(existsSync(opened.movedAside!.movedTo)).toBe(true);
  });
});
