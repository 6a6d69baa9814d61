import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { record as base } from '../../test/helpers/records.js';
import type { EventRecord } from '../core/event.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { EvictedDeadLetters } from './dead-letter-table.js';
import { openSpool } from './open-spool.js';
import { Spool } from './spool.js';
import type { SpoolOptions } from './spool-options.js';

const DAY = 86_400_000;
const spools: Spool[] = [];
afterEach(() => {
  for (const s of spools.splice(0)) s.close();
});

const record = (id: number): EventRecord => base({ id, level: 'error', time: 0, message: `m${id}` });

function open(path: string, clock: ManualClock, options: SpoolOptions = {}) {
  const { store } = openSpool(path);
  const errors: unknown[] = [];
  const spool = new Spool(store, options, {
    clock,
    redactText: (t) => t,
    onError: (e) => errors.push(e),
  });
  spools.push(spool);
  const evicted: EvictedDeadLetters[] = [];
  spool.onDeadLettersEvicted((e) => evicted.push(e));
  return { spool, evicted, errors };
}

const spoolPath = (): string => join(mkdtempSync(join(tmpdir(), 'offpath-sweep-')), 'spool.db');

describe('dead-letter sweeper', () => {
  it('evicts letters past ttlMs on its timer and reports them, without touching younger ones', () => {
    const clock = new ManualClock(0);
    const { spool, evicted, errors } = open(spoolPath(), clock, { deadLetters: { ttlMs: 2 * DAY } });
    spool.deadLetter('ops', [record(1), record(2)], 'rejected', 1, undefined);
    spool.flushSync();
    clock.advance(DAY);
    spool.deadLetter('ops', [record(3)], 'rejected', 1, undefined);
    spool.flushSync();
    expect(spool.stats().deadLetters).toMatchObject({ stored: 3, evicted: { expired: 0, full: 0 } });
    clock.advance(DAY + 60_000);
    expect(evicted).toEqual([{ destination: 'ops', reason: 'expired', count: 2 }]);
    expect(spool.stats().deadLetters).toMatchObject({ stored: 1, evicted: { expired: 2, full: 0 } });
    clock.advance(DAY);
    expect(spool.stats().deadLetters).toMatchObject({ stored: 0, evicted: { expired: 3, full: 0 } });
    expect(errors).toEqual([]);
  });

  it('applies the size cap right after the commit that went over it, oldest first', () => {
    const clock = new ManualClock(0);
    const { spool, evicted } = open(spoolPath(), clock, { deadLetters: { maxBytes: 1_000 } });
    const batch = Array.from({ length: 20 }, (_, i) => record(i));
    spool.deadLetter('ops', batch, 'retries_exhausted', 3, undefined);
    spool.flushSync();
    const stats = spool.stats().deadLetters;
    expect(stats.bytes).toBeLessThanOrEqual(1_000);
    expect(stats.stored + stats.evicted.full).toBe(20);
    expect(stats.evicted.full).toBeGreaterThan(0);
    expect(evicted).toEqual([{ destination: 'ops', reason: 'full', count: stats.evicted.full }]);
  });

  it('sweeps what an earlier run left as soon as it starts, once listeners are attached', () => {
    const clock = new ManualClock(0);
    const path = spoolPath();
    const first = open(path, clock);
    first.spool.deadLetter('ops', [record(1)], 'rejected', 1, undefined);
    first.spool.close();
    clock.advance(30 * DAY);
    const second = open(path, clock, { deadLetters: { ttlMs: 7 * DAY } });
    expect(second.evicted).toEqual([]);
    clock.advance(0);
    expect(second.evicted).toEqual([{ destination: 'ops', reason: 'expired', count: 1 }]);
  });

  it('stops its timer when the spool closes', () => {
    const clock = new ManualClock(0);
    const { spool } = open(spoolPath(), clock);
    expect(clock.pendingTimers).toBe(1);
    spool.close();
    expect(clock.pendingTimers).toBe(0);
  });
});
