import { describe, expect, it } from 'vitest';
import { makeLane } from '../../test/helpers/lane-harness.js';
import { record } from '../../test/helpers/records.js';
import type { SendResult } from '../core/sink.js';
import { RateLimitedError, ServerError } from '../resilience/errors.js';
import { memorySink } from '../sinks/memory-sink.js';
import { ManualClock } from '../testing/manual-clock.js';

/**
 * A lane of concurrency 3 on a sink that answers after `latencyMs` of virtual time, `answer(n)` for its
 * n-th send; `seen` says how many sends were in flight at most and when each went.
 */
function setup(answer: (n: number) => SendResult = () => ({ ok: true }), latencyMs = 10) {
  const clock = new ManualClock(0);
  const sink = memorySink({ maxBatchSize: 10, concurrency: 3 });
  let n = 0;
  let inFlight = 0;
  const seen = { maxInFlight: 0, sendTimes: [] as number[] };
  sink.respondWith(() => {
    const call = ++n;
    inFlight++;
    seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
    seen.sendTimes.push(clock.now());
    return new Promise<SendResult>((resolve) =>
      clock.setTimeout(() => {
        inFlight--;
        resolve(answer(call));
      }, latencyMs),
    );
  });
  return { ...makeLane(sink, { clock, maxQueueItems: 1_000 }), sink, seen };
}

describe('Lane with several sends in flight', () => {
  it('keeps up to its concurrency in flight and delivers every record once', async () => {
    const { lane, clock, check, sink, seen } = setup(undefined, 100);
    for (let i = 0; i < 95; i++) lane.accept(record({ time: 0 }), 10);
    await clock.advanceAsync(2_000);
    expect(seen.maxInFlight).toBe(3);
    expect(sink.records).toHaveLength(95);
    expect(new Set(sink.records.map((r) => r.id)).size).toBe(95);
    expect(lane.ledger.snapshot()).toMatchObject({ accepted: 95, delivered: 95, pending: 0 });
    check();
  });

  it('a failed batch waits for its own backoff while the next batches go', async () => {
    const fail: SendResult = {
      ok: false,
      kind: 'retryable',
      error: new ServerError('503', { statusCode: 503 }),
    };
    const { lane, clock, check, sink } = setup((n) => (n === 1 ? fail : { ok: true }));
    const first = record({ time: 0 });
    lane.accept(first, 10);
    await clock.advanceAsync(20);
    for (let i = 0; i < 30; i++) lane.accept(record({ time: 0 }), 10);
    // The backoff of the failed batch is 100 ms; the three full batches behind it go meanwhile.
    await clock.advanceAsync(60);
    expect(sink.records).toHaveLength(30);
    expect(sink.records.map((r) => r.id)).not.toContain(first.id);
    await clock.advanceAsync(100);
    expect(sink.records.at(-1)?.id).toBe(first.id);
    check();
  });

  it('a Retry-After still pauses the whole destination', async () => {
    const limited: SendResult = {
      ok: false,
      kind: 'retryable',
      error: new RateLimitedError('429', { statusCode: 429 }),
      retryAfterMs: 5_000,
    };
    const { lane, clock, check, sink, seen } = setup((n) => (n === 1 ? limited : { ok: true }));
    lane.accept(record({ time: 0 }), 10);
    await clock.advanceAsync(20);
    for (let i = 0; i < 30; i++) lane.accept(record({ time: 0 }), 10);
    await clock.advanceAsync(4_900);
    expect(seen.sendTimes).toHaveLength(1);
    await clock.advanceAsync(200);
    expect(sink.records).toHaveLength(31);
    check();
  });

  it('forms batches by bytes as well as by count', async () => {
    const sink = memorySink({ maxBatchSize: 100, concurrency: 2 });
    const { lane, clock, check } = makeLane(sink, {
      maxBatchSize: 100,
      maxBatchBytes: 1_000,
      maxQueueItems: 1_000,
    });
    for (let i = 0; i < 25; i++) lane.accept(record({ time: 0 }), 300);
    await clock.advanceAsync(5_000);
    // The first record goes alone (the lane was idle); then at most three records of 300 bytes each.
    expect(sink.batches.map((b) => b.length)).toEqual([1, 3, 3, 3, 3, 3, 3, 3, 3]);
    check();
  });
});
