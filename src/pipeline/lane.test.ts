import { describe, expect, it } from 'vitest';
import { makeLane } from '../../test/helpers/lane-harness.js';
import { record } from '../../test/helpers/records.js';
import type { SendResult } from '../core/sink.js';
import {
  BadRequestError,
  DestinationGoneError,
  RateLimitedError,
  ServerError,
} from '../resilience/errors.js';
import { memorySink } from '../sinks/memory-sink.js';

const at = (time: number) => record({ time });

describe('Lane', () => {
  it('sends at once when idle, then arms the batch timer with the next record and never resets it', async () => {
    const sink = memorySink();
    const { lane, clock, check } = makeLane(sink);
    lane.accept(at(0), 10);
    await clock.advanceAsync(0);
    expect(sink.batches.map((b) => b.length)).toEqual([1]);
    lane.accept(at(0), 10);
    await clock.advanceAsync(600);
    lane.accept(at(600), 10);
    await clock.advanceAsync(399);
    expect(sink.batches.map((b) => b.length)).toEqual([1]);
    await clock.advanceAsync(1);
    expect(sink.batches.map((b) => b.length)).toEqual([1, 2]);
    check();
  });

  it('sends a full batch at once', async () => {
    const sink = memorySink();
    const { lane, clock, check } = makeLane(sink, { maxBatchSize: 3 });
    for (let i = 0; i < 7; i++) lane.accept(at(0), 10);
    await clock.advanceAsync(0);
    expect(sink.batches.map((b) => b.length)).toEqual([1, 3, 3]);
    expect(lane.ledger.snapshot()).toMatchObject({ accepted: 7, delivered: 7, pending: 0 });
    check();
  });

  it('puts more records in each message while the destination makes it wait', async () => {
    const sink = memorySink({ maxBatchSize: 10 });
    const { lane, clock, check } = makeLane(sink, {
      maxBatchSize: 10,
      limits: [{ limit: 1, intervalMs: 1_000 }],
    });
    for (let i = 0; i < 25; i++) {
      lane.accept(at(0), 1);
      await clock.advanceAsync(100);
    }
    await clock.advanceAsync(5_000);
    const sizes = sink.batches.map((b) => b.length);
    expect(sizes[0]).toBe(1);
    expect(sizes.slice(1, -1).every((n) => n >= 9)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
    expect(sizes.length).toBeLessThanOrEqual(4);
    check();
  });

  /** A sink whose first send never answers, so later records stay queued. */
  function stuckSink() {
    const sink = memorySink();
    let first = true;
    sink.respondWith(() => {
      if (!first) return { ok: true };
      first = false;
      return new Promise<SendResult>(() => {});
    });
    return sink;
  }

  it('drops the oldest lowest-level record when full, never a more severe one for a lesser one', async () => {
    const sink = stuckSink();
    const { lane, log, clock, check } = makeLane(sink, {
      maxQueueItems: 2,
      maxBatchSize: 10,
      sendTimeoutMs: 100_000,
    });
    const first = record({ level: 'info' });
    lane.accept(first, 10);
    const a = record({ level: 'error' });
    const b = record({ level: 'info' });
    const c = record({ level: 'warn' });
    const d = record({ level: 'debug' });
    for (const r of [a, b, c, d]) lane.accept(r, 10);
    expect(log.dropped).toEqual([
      { id: b.id, reason: 'queue_full' },
      { id: d.id, reason: 'queue_full' },
    ]);
    await clock.advanceAsync(100_000);
    await clock.advanceAsync(10_000);
    expect(sink.records.map((r) => r.id)).toEqual([first.id, a.id, c.id]);
    check();
  });

  it('drops the newest record with the drop-newest policy', () => {
    const { lane, log, check } = makeLane(stuckSink(), { maxQueueItems: 1, overflow: 'drop-newest' });
    lane.accept(at(0), 1);
    lane.accept(at(0), 1);
    const third = at(0);
    lane.accept(third, 1);
    expect(log.dropped).toEqual([{ id: third.id, reason: 'queue_full' }]);
    check();
  });

  it('bounds the queue by bytes as well as by count', () => {
    const { lane, log, check } = makeLane(stuckSink(), { maxQueueBytes: 100, overflow: 'drop-newest' });
    lane.accept(at(0), 1);
    lane.accept(at(0), 60);
    const big = at(0);
    lane.accept(big, 60);
    expect(log.dropped).toEqual([{ id: big.id, reason: 'queue_full' }]);
    check();
  });

  it('retries a retryable failure with backoff and keeps order', async () => {
    const sink = memorySink({ maxBatchSize: 1 });
    let failures = 2;
    sink.respondWith(() =>
      failures-- > 0 ? { ok: false, kind: 'retryable', error: new ServerError('HTTP 503') } : { ok: true },
    );
    const { lane, clock, check } = makeLane(sink, { maxBatchSize: 1 });
    const first = at(0);
    const second = at(0);
    lane.accept(first, 1);
    lane.accept(second, 1);
    await clock.advanceAsync(0);
    expect(sink.sends).toBe(1);
    await clock.advanceAsync(100);
    expect(sink.sends).toBe(2);
    await clock.advanceAsync(200);
    expect(sink.records.map((r) => r.id)).toEqual([first.id, second.id]);
    check();
  });

  it('pauses the whole destination for a Retry-After without spending an attempt', async () => {
    const sink = memorySink({ maxBatchSize: 1 });
    let limited = true;
    sink.respondWith(() => {
      if (!limited) return { ok: true };
      limited = false;
      return {
        ok: false,
        kind: 'retryable',
        error: new RateLimitedError('429', { retryAfterMs: 65_000 }),
        retryAfterMs: 65_000,
      };
    });
    const { lane, clock, check } = makeLane(sink, { maxBatchSize: 1 });
    lane.accept(at(0), 1);
    lane.accept(at(0), 1);
    await clock.advanceAsync(64_999);
    expect(sink.sends).toBe(1);
    await clock.advanceAsync(1);
    expect(sink.records).toHaveLength(2);
    check();
  });

  it('caps a Retry-After above the cap', async () => {
    const sink = memorySink();
    let limited = true;
    sink.respondWith(() => {
      if (!limited) return { ok: true };
      limited = false;
      return { ok: false, kind: 'retryable', error: new RateLimitedError('429'), retryAfterMs: 3_600_000 };
    });
    const { lane, clock, check } = makeLane(sink, { retryAfterCapMs: 10_000, maxEventAgeMs: 7_200_000 });
    lane.accept(at(0), 1);
    await clock.advanceAsync(1_000);
    await clock.advanceAsync(10_000);
    expect(sink.records).toHaveLength(1);
    check();
  });

  it('disables the destination for good when it is gone and dead-letters what it held', async () => {
    const sink = memorySink({ maxBatchSize: 1 });
    sink.respondWith(() => ({
      ok: false,
      kind: 'gone',
      error: new DestinationGoneError('Unknown Webhook', { statusCode: 404 }),
    }));
    const { lane, clock, log, check } = makeLane(sink, { maxBatchSize: 1 });
    for (let i = 0; i < 3; i++) lane.accept(at(0), 1);
    await clock.advanceAsync(10_000);
    expect(sink.sends).toBe(1);
    expect(lane.state).toBe('disabled');
    expect(log.disabled).toEqual(['test']);
    lane.accept(at(0), 1);
    await clock.advanceAsync(10_000);
    expect(sink.sends).toBe(1);
    expect(log.deadLettered.map((d) => d.reason)).toEqual(Array(4).fill('destination_gone'));
    check();
  });

  it('dead-letters a rejected payload and carries on with the next one', async () => {
    const sink = memorySink({ maxBatchSize: 1 });
    let first = true;
    sink.respondWith((): SendResult => {
      if (!first) return { ok: true };
      first = false;
      return { ok: false, kind: 'permanent', error: new BadRequestError('HTTP 400') };
    });
    const { lane, clock, log, check } = makeLane(sink, { maxBatchSize: 1 });
    const bad = at(0);
    const good = at(0);
    lane.accept(bad, 1);
    lane.accept(good, 1);
    await clock.advanceAsync(1_000);
    expect(log.deadLettered).toMatchObject([{ id: bad.id, reason: 'rejected' }]);
    expect(sink.records.map((r) => r.id)).toEqual([good.id]);
    expect(sink.sends).toBe(2);
    check();
  });

  it('contains a sink that throws, returns garbage or hangs', async () => {
    let call = 0;
    const sink = memorySink();
    sink.respondWith(() => {
      call++;
      if (call === 1) throw new Error('boom');
      if (call === 2) return 'not a result' as unknown as SendResult;
      if (call === 3) return new Promise<SendResult>(() => {});
      return { ok: true };
    });
    const { lane, clock, log, check } = makeLane(sink, { sendTimeoutMs: 2_000 });
    lane.accept(at(0), 1);
    await clock.advanceAsync(1_000); // batch timer, call 1 throws
    await clock.advanceAsync(100); // call 2: garbage
    await clock.advanceAsync(200); // call 3: hangs
    await clock.advanceAsync(2_000); // timeout
    await clock.advanceAsync(1_000); // call 4 succeeds
    expect(call).toBe(4);
    expect(sink.records).toHaveLength(1);
    // The throw and the garbage broke the sink's contract and are reported; a hang is only a timeout.
    expect(log.errors.map((e) => (e as Error).message)).toEqual([
      'boom',
      'sink returned something that is not a SendResult',
    ]);
    log.errors.length = 0;
    check();
  });

  it('paces itself inside composed rate limits', async () => {
    const sink = memorySink({ maxBatchSize: 1 });
    const { lane, clock, check } = makeLane(sink, {
      maxBatchSize: 1,
      limits: [{ limit: 5, intervalMs: 2_000 }],
    });
    const sentAt: number[] = [];
    sink.respondWith(() => {
      sentAt.push(clock.now());
      return { ok: true };
    });
    for (let i = 0; i < 12; i++) lane.accept(at(0), 1);
    await clock.advanceAsync(10_000);
    expect(sentAt).toHaveLength(12);
    for (let i = 5; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 5]!).toBeGreaterThanOrEqual(2_000);
    check();
  });

  it('expires records older than maxEventAgeMs: dropped if never tried, dead-lettered if tried', async () => {
    const sink = memorySink({ maxBatchSize: 1 });
    sink.respondWith(() => ({ ok: false, kind: 'retryable', error: new ServerError('HTTP 500') }));
    const { lane, clock, log, check } = makeLane(sink, { maxBatchSize: 1, maxEventAgeMs: 5_000 });
    lane.accept(at(0), 1);
    lane.accept(at(0), 1);
    await clock.advanceAsync(20_000);
    expect(log.deadLettered.map((d) => d.reason)).toEqual(['retries_exhausted']);
    expect(log.dropped.map((d) => d.reason)).toEqual(['expired']);
    check();
  });

  it('flushes partial batches at once and resolves when nothing is pending', async () => {
    const sink = memorySink();
    const { lane, check } = makeLane(sink);
    lane.accept(at(0), 1);
    await lane.flush(new AbortController().signal);
    expect(sink.records).toHaveLength(1);
    check();
  });

  it('on close spills what it holds to the spool, or counts it as dropped:shutdown', async () => {
    for (const spool of [true, false]) {
      const sink = memorySink();
      sink.respondWith(() => new Promise<SendResult>(() => {}));
      const { lane, clock, log, check } = makeLane(sink, { spool, maxBatchSize: 1 });
      lane.accept(at(0), 1);
      lane.accept(at(0), 1);
      await clock.advanceAsync(0);
      await lane.close();
      if (spool) expect(log.spilled.map((s) => s.reason)).toEqual(['shutdown', 'shutdown']);
      else expect(lane.ledger.snapshot().droppedBy).toEqual({ shutdown: 2 });
      expect(lane.ledger.inMemory).toBe(0);
      check();
    }
  });
});
