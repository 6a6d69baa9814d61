import { describe, expect, it } from 'vitest';
import { createOffpath } from '../instance/create-offpath.js';
import { memorySink } from '../sinks/memory-sink.js';
import { ManualClock } from '../testing/manual-clock.js';
import { reconciles } from './ledger.js';

function setup(noise: object, extra: object = {}) {
  const clock = new ManualClock(0);
  const sink = memorySink({ maxBatchSize: 10 });
  const offpath = createOffpath(
    { destinations: [{ name: 'chat', type: 'custom', sink, noise, batch: { maxDelayMs: 100 }, ...extra }] },
    { clock },
  );
  return { clock, sink, offpath };
}

describe('noise control', () => {
  it('sends the first occurrence at once and one digest of the repeats when the cooldown ends', async () => {
    const { clock, sink, offpath } = setup({ cooldownMs: 60_000, storm: false });
    for (let i = 0; i < 100; i++) {
      offpath.emit({ level: 'error', message: `user ${i} timed out after ${i * 10}ms` });
      await clock.advanceAsync(100);
    }
    expect(sink.records).toHaveLength(1);
    expect(offpath.stats()).toMatchObject({ accepted: 100, delivered: 1, digested: 0, pending: 99 });
    await clock.advanceAsync(60_000);
    expect(sink.records).toHaveLength(2);
    const digest = sink.records[1]!;
    expect(digest.kind).toBe('digest');
    expect(digest.digest).toMatchObject({ count: 99, firstTime: 100, lastTime: 9_900 });
    expect(digest.title).toBe('×99 more in 10 s: error user <n> timed out after <duration>');
    expect(offpath.stats()).toMatchObject({ accepted: 100, delivered: 1, digested: 99, pending: 0 });
    expect(reconciles(offpath.stats())).toBe(true);
  });

  it('keeps different fingerprints apart and lets critical events bypass the cooldown', async () => {
    const { clock, sink, offpath } = setup({ cooldownMs: 60_000, storm: false });
    for (let i = 0; i < 3; i++) {
      offpath.emit({ level: 'error', message: 'db down' });
      offpath.emit({ level: 'error', message: 'cache down' });
      offpath.emit({ level: 'critical', message: 'db down' });
    }
    await clock.advanceAsync(1_000);
    // The first event went out at once; queued critical events overtake the queued error.
    expect(sink.records.map((r) => `${r.level} ${r.message}`)).toEqual([
      'error db down',
      'critical db down',
      'critical db down',
      'critical db down',
      'error cache down',
    ]);
    expect(offpath.stats()).toMatchObject({ accepted: 9, delivered: 5, pending: 4 });
  });

  it('hands digests that close together to the lane at once, so none goes out alone', async () => {
    const { clock, sink, offpath } = setup({ cooldownMs: 60_000, storm: false });
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 25; i++) offpath.emit({ level: 'error', fingerprint: `fp-${i}`, message: 'down' });
    await clock.advanceAsync(1_000);
    const before = sink.sends;
    await clock.advanceAsync(60_000);
    const digests = sink.records.filter((r) => r.kind === 'digest');
    expect(digests).toHaveLength(25);
    // 25 digests in batches of 10: 3 messages (one at a time, the first would have left alone: 4).
    expect(sink.sends - before).toBe(3);
    expect(offpath.stats()).toMatchObject({ accepted: 50, delivered: 25, digested: 25, pending: 0 });
  });

  it('closes open windows at shutdown so their digests go out before the deadline', async () => {
    const { clock, sink, offpath } = setup({ cooldownMs: 600_000, storm: false });
    for (let i = 0; i < 5; i++) offpath.emit({ level: 'warn', message: 'slow query' });
    await clock.advanceAsync(10);
    const closing = offpath.close({ timeoutMs: 5_000 });
    await clock.advanceAsync(1_000);
    expect(await closing).toMatchObject({ complete: true, pending: 0 });
    expect(sink.records.map((r) => r.digest?.count ?? 1)).toEqual([1, 4]);
    expect(offpath.stats()).toMatchObject({ delivered: 1, digested: 4 });
  });

  it('switches to storm digests when the backlog outgrows the rate limit, and counts every event', async () => {
    const { clock, sink, offpath } = setup(
      { cooldownMs: 0, storm: { afterMs: 4_000, windowMs: 10_000, topGroups: 3 } },
      { rateLimits: [{ limit: 1, intervalMs: 1_000 }], queue: { maxItems: 10_000 } },
    );
    for (let second = 0; second < 30; second++) {
      for (let i = 0; i < 20; i++)
        offpath.emit({ level: 'error', fingerprint: `fp-${i % 5}`, message: `failure ${i % 5}` });
      await clock.advanceAsync(1_000);
      expect(reconciles(offpath.stats())).toBe(true);
    }
    await clock.advanceAsync(60_000);
    const stats = offpath.stats();
    expect(stats.accepted).toBe(600);
    expect(stats.pending).toBe(0);
    expect(stats.delivered + stats.digested).toBe(600);
    expect(stats.digested).toBeGreaterThan(300);
    const storms = sink.records.filter((r) => r.tags.includes('storm'));
    expect(storms.length).toBeGreaterThan(0);
    expect(storms[0]!.digest?.groups).toHaveLength(4);
    expect(storms[0]!.digest?.groups?.at(-1)).toMatchObject({ fingerprint: '(rest)' });
    expect(sink.sends).toBeLessThan(100);
  });
});
