import { describe, expect, it } from 'vitest';
import type { OffpathConfig } from '../config/config-schema.js';
import type { Level } from '../core/level.js';
import type { SendResult } from '../core/sink.js';
import { reconciles } from '../pipeline/ledger.js';
import { BadRequestError, ServerError } from '../resilience/errors.js';
import { type MemorySink, memorySink } from '../sinks/memory-sink.js';
import { ManualClock } from '../testing/manual-clock.js';
import { createOffpath } from './create-offpath.js';

type Destination = OffpathConfig['destinations'][number];
const fail503: SendResult = {
  ok: false,
  kind: 'retryable',
  error: new ServerError('503', { statusCode: 503 }),
};

/** A sink that fails with 503 while `down` is set, and rejects a record whose message says so. */
function flaky(down = true): MemorySink & { down: boolean } {
  const sink = Object.assign(memorySink({ maxBatchSize: 10 }), { down });
  sink.respondWith((batch) => {
    if (sink.down) return fail503;
    if (batch.some((r) => r.message === 'reject me')) {
      return { ok: false, kind: 'permanent', error: new BadRequestError('400', { statusCode: 400 }) };
    }
    return { ok: true };
  });
  return sink;
}

/** A destination around `sink` that opens its circuit after two failures and retries quickly. */
const dest = (name: string, sink: MemorySink, more: Partial<Destination> = {}): Destination =>
  ({
    name,
    type: 'custom',
    sink,
    breaker: { failureThreshold: 2 },
    retry: { initialDelayMs: 50, maxDelayMs: 50 },
    batch: { maxDelayMs: 10 },
    ...more,
  }) as Destination;

/** Events are routed to `primary` only: its fallbacks get only what it cannot deliver. */
function setup(destinations: Destination[]) {
  const clock = new ManualClock(0);
  const offpath = createOffpath({ destinations, routes: [{ destinations: ['primary'] }] }, { clock });
  const emit = async (messages: string[], level: Level = 'info') => {
    for (const message of messages) {
      offpath.emit({ level, message });
      await clock.advanceAsync(20);
    }
  };
  const check = () => {
    const s = offpath.stats();
    expect(reconciles(s), JSON.stringify(s)).toBe(true);
    for (const d of Object.values(s.destinations)) expect(reconciles(d)).toBe(true);
  };
  return { clock, offpath, emit, check, stats: (name: string) => offpath.stats().destinations[name] };
}

const messages = (sink: MemorySink) => sink.records.map((r) => r.message).sort();

describe('fallback destinations', () => {
  it('receive what a destination holds when its circuit opens, and what arrives while it is open', async () => {
    const [primary, disk] = [flaky(), memorySink()];
    const { clock, emit, check, stats } = setup([
      dest('primary', primary, { fallback: 'disk' }),
      dest('disk', disk),
    ]);
    await emit(['a', 'b', 'c']);
    await clock.advanceAsync(500);
    expect(stats('primary')?.circuit).toBe('open');
    await emit(['d', 'e']);
    await clock.advanceAsync(200);
    expect(messages(disk)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(stats('primary')).toMatchObject({
      deadLettered: 5,
      deadLetteredBy: { circuit_open: 5 },
      pending: 0,
    });
    // Back up: the next records probe the circuit, close it and go to the primary again.
    primary.down = false;
    await clock.advanceAsync(2_000);
    await emit(['f', 'g']);
    await clock.advanceAsync(2_000);
    expect(messages(primary)).toEqual(['f', 'g']);
    expect(stats('primary')?.circuit).toBe('closed');
    expect(stats('disk')).toMatchObject({ accepted: 5, delivered: 5 });
    check();
  });

  it("with fallbackOn: 'dead-letter' an open circuit keeps its records until it recovers", async () => {
    const [primary, disk] = [flaky(), memorySink()];
    const { clock, emit, check, stats } = setup([
      dest('primary', primary, { fallback: 'disk', fallbackOn: 'dead-letter' }),
      dest('disk', disk),
    ]);
    await emit(['a', 'b', 'reject me']);
    await clock.advanceAsync(3_000);
    expect(disk.records).toEqual([]);
    expect(stats('primary')?.pending).toBe(3);
    primary.down = false;
    await clock.advanceAsync(5_000);
    // 'b' waited in the same batch as the record the primary rejects: both are dead letters.
    expect(messages(primary)).toEqual(['a']);
    expect(messages(disk)).toEqual(['b', 'reject me']);
    expect(stats('primary')).toMatchObject({ delivered: 1, deadLetteredBy: { rejected: 2 } });
    check();
  });

  it("with fallbackOn: 'circuit-open' a rejected record is not handed on", async () => {
    const [primary, disk] = [flaky(false), memorySink()];
    const { clock, emit, check, stats } = setup([
      dest('primary', primary, { fallback: 'disk', fallbackOn: 'circuit-open' }),
      dest('disk', disk),
    ]);
    await emit(['reject me']);
    await clock.advanceAsync(1_000);
    expect(stats('primary')).toMatchObject({ deadLetteredBy: { rejected: 1 } });
    expect(disk.records).toEqual([]);
    primary.down = true;
    await emit(['x', 'y', 'z']);
    await clock.advanceAsync(1_000);
    expect(messages(disk)).toEqual(['x', 'y', 'z']);
    check();
  });

  it("apply their own minLevel, and take each record's real bytes", async () => {
    const [primary, disk] = [flaky(), memorySink()];
    disk.respondWith(() => new Promise<SendResult>(() => {}));
    const { clock, emit, check, stats } = setup([
      dest('primary', primary, { fallback: 'disk', breaker: { failureThreshold: 1 } }),
      dest('disk', disk, { minLevel: 'warn', sendTimeoutMs: 60_000 }),
    ]);
    await emit(['noise'], 'info');
    await emit(['bad'], 'error');
    await emit(['worse'], 'error');
    await clock.advanceAsync(500);
    expect(stats('primary')).toMatchObject({ deadLettered: 3, deadLetteredBy: { circuit_open: 3 } });
    // 'noise' stopped at the primary (counted there); the two errors reached the stuck fallback.
    expect(stats('disk')).toMatchObject({ accepted: 2, pending: 2 });
    expect(stats('disk')?.memoryBytes).toBeGreaterThan(2 * 200);
    check();
  });

  it('follow a chain when the fallback is down too, and never come back', async () => {
    const [primary, second, last] = [flaky(), flaky(), memorySink()];
    const { clock, emit, check, stats } = setup([
      dest('primary', primary, { fallback: 'second' }),
      dest('second', second, { fallback: 'last' }),
      dest('last', last),
    ]);
    await emit(['a', 'b', 'c', 'd']);
    await clock.advanceAsync(3_000);
    await emit(['e']);
    await clock.advanceAsync(3_000);
    expect(messages(last)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(stats('primary')).toMatchObject({ accepted: 5, deadLettered: 5 });
    expect(stats('second')).toMatchObject({ accepted: 5, deadLettered: 5, delivered: 0 });
    expect(stats('last')).toMatchObject({ accepted: 5, delivered: 5 });
    // Nothing went back up the chain.
    expect(primary.sends + second.sends).toBeLessThan(20);
    check();
  });

  it('are waited for by flush(), although their records arrive after their own flush began', async () => {
    const [primary, disk] = [memorySink(), memorySink()];
    // Both take a little real time per send, as a network or a file would: the primary's failure comes
    // after every lane's flush has begun, and the fallback is still sending when the primary is idle.
    const later = (result: SendResult) => () =>
      new Promise<SendResult>((resolve) => setTimeout(() => resolve(result), 20));
    primary.respondWith(later(fail503));
    disk.respondWith(later({ ok: true }));
    const { offpath, check } = setup([
      dest('primary', primary, { fallback: 'disk', breaker: { failureThreshold: 1 } }),
      dest('disk', disk),
    ]);
    for (const m of ['a', 'b', 'c']) offpath.emit({ message: m });
    const result = await offpath.flush();
    expect(result).toEqual({ complete: true, pending: 0, cutOff: 0 });
    expect(messages(disk)).toEqual(['a', 'b', 'c']);
    check();
  });

  it('refuse to form a loop', () => {
    const loop = [
      dest('primary', memorySink(), { fallback: 'b' }),
      dest('b', memorySink(), { fallback: 'primary' }),
    ];
    expect(() => createOffpath({ destinations: loop })).toThrow(/fallbacks form a loop/);
    expect(() =>
      createOffpath({ destinations: [dest('primary', memorySink(), { fallbackOn: 'circuit-open' })] }),
    ).toThrow(/fallbackOn: needs a fallback/);
  });
});
