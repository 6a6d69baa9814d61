import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type DeadLetterRow, deadLetterBytes } from './dead-letter-table.js';
import { openExistingSpool, openSpool } from './open-spool.js';
import type { SpoolStore } from './spool-store.js';

const opened: SpoolStore[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

function freshStore(): SpoolStore {
  const { store } = openSpool(join(mkdtempSync(join(tmpdir(), 'offpath-dlq-')), 'spool.db'));
  opened.push(store);
  return store;
}

function letter(destination: string, createdAt: number, text = 'x'): DeadLetterRow {
  return {
    destination,
    reason: 'rejected',
    createdAt,
    attempts: 1,
    lastStatus: 400,
    lastError: 'ERR_SINK_REJECTED: HTTP 400',
    record: JSON.stringify({ level: 'error', message: text }),
  };
}

const remaining = (store: SpoolStore): string[] =>
  store.letters.list().map((l) => (JSON.parse(l.record) as { message: string }).message);

describe('dead-letter table bounds', () => {
  it('evicts letters once they are ttlMs old, keeps younger ones, and counts the evictions in the file', () => {
    const store = freshStore();
    store.write(
      [],
      [],
      [letter('ops', 1_000, 'old'), letter('ops', 5_000, 'young'), letter('b', 2_000, 'b')],
    );
    const evicted = store.letters.evict(11_000, { ttlMs: 9_000, maxBytes: 1e9 });
    expect(evicted.sort((x, y) => x.destination.localeCompare(y.destination))).toEqual([
      { destination: 'b', reason: 'expired', count: 1 },
      { destination: 'ops', reason: 'expired', count: 1 },
    ]);
    expect(remaining(store)).toEqual(['young']);
    expect(store.letters.count).toBe(1);
    store.letters.evict(14_000, { ttlMs: 9_000, maxBytes: 1e9 });
    expect(store.letters.evictionTotals()).toEqual([
      { destination: 'b', reason: 'expired', count: 1, lastAt: 11_000 },
      { destination: 'ops', reason: 'expired', count: 2, lastAt: 14_000 },
    ]);
    expect(store.letters.evictionTotals({ destination: 'b' })).toHaveLength(1);
  });

  it('evicts the oldest letters until what is left fits in maxBytes', () => {
    const store = freshStore();
    const rows = Array.from({ length: 10 }, (_, i) => letter('ops', 1_000 + i, `m${i}`));
    store.write([], [], rows);
    const each = deadLetterBytes(rows[0]!);
    expect(store.letters.bytes).toBe(each * 10);
    const evicted = store.letters.evict(2_000, { ttlMs: 1e9, maxBytes: each * 4 + 1 });
    expect(evicted).toEqual([{ destination: 'ops', reason: 'full', count: 6 }]);
    expect(remaining(store)).toEqual(['m6', 'm7', 'm8', 'm9']);
    expect(store.letters.bytes).toBe(each * 4);
    expect(store.letters.evict(2_000, { ttlMs: 1e9, maxBytes: each * 4 })).toEqual([]);
  });

  it('counts multi-byte text as UTF-8 bytes, the same way in memory and in SQL', () => {
    const store = freshStore();
    store.write([], [], [letter('ops', 1, 'äöü€😀'.repeat(10))]);
    const inMemory = store.letters.bytes;
    store.letters.recount();
    expect(store.letters.bytes).toBe(inMemory);
  });

  it('recounts after another connection purged letters, so a stale figure never evicts one', () => {
    const store = freshStore();
    const rows = Array.from({ length: 10 }, (_, i) => letter('ops', 1_000 + i, `m${i}`));
    store.write([], [], rows);
    const each = deadLetterBytes(rows[0]!);
    const cli = openExistingSpool(store.path);
    if ('problem' in cli) throw new Error(cli.problem);
    expect(cli.store.letters.purge({ ids: [1, 2, 3, 4, 5, 6, 7, 8] })).toBe(8);
    cli.store.close();
    // This connection still believes 10 letters are stored; the cap of 3 letters fits the real 2.
    expect(store.letters.count).toBe(10);
    expect(store.letters.evict(2_000, { ttlMs: 1e9, maxBytes: each * 3 })).toEqual([]);
    expect(remaining(store)).toEqual(['m8', 'm9']);
    expect(store.letters.count).toBe(2);
  });
});
