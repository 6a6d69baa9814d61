/**
 * Throughput under partial failure (issue 13): the collector emulator with the fault mix, default
 * settings, virtual time (a ManualClock shared by offpath and the emulator) and real HTTP in between.
 */
import { describe, expect, it } from 'vitest';
import { createOffpath, type Offpath, reconciles } from '../../src/index.js';
import { type CollectorEmulator, ManualClock, startCollectorEmulator } from '../../src/testing/index.js';
import { onCleanup } from '../helpers/cleanups.js';
import { distinctDelivered, FAULT_MIX, orderEvent, postsPerBatch } from '../helpers/fault-mix.js';

const EVENTS = 20_000;
/** Lets real I/O (the HTTP exchanges with the emulator) happen between steps of virtual time. */
const realTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2));

async function setup(destination: Record<string, unknown> = {}) {
  const clock = new ManualClock(0);
  const collector = await startCollectorEmulator({ clock });
  const errors: unknown[] = [];
  const offpath = createOffpath(
    { destinations: [{ name: 'c', type: 'http', url: collector.url, ...destination }] },
    { clock, onError: (error) => errors.push(error) },
  );
  onCleanup(async () => {
    const closing = offpath.close({ timeoutMs: 1_000 });
    clock.advance(2_000);
    await closing;
    await collector.close();
  });
  return { clock, collector, offpath, errors };
}

/** Advances virtual time in `stepMs` steps until nothing is pending (at most `maxMs`); returns the time taken. */
async function drain(clock: ManualClock, offpath: Offpath, stepMs = 50, maxMs = 600_000): Promise<number> {
  let t = 0;
  for (; offpath.stats().pending > 0 && t < maxMs; t += stepMs) {
    clock.advance(stepMs);
    await realTurn();
  }
  return t;
}

function expectDelivered(offpath: Offpath, collector: CollectorEmulator, errors: unknown[], label: string) {
  const stats = offpath.stats();
  const distinct = distinctDelivered(collector);
  process.stdout.write(
    `${label}: ${stats.emitted} accepted, ${stats.delivered} delivered (${((stats.delivered / EVENTS) * 100).toFixed(2)} %), ` +
      `${stats.dropped} dropped, ${stats.deadLettered} dead-lettered, ${collector.received.length} requests, ` +
      `${collector.duplicateCount()} duplicate batches\n`,
  );
  expect(stats.emitted).toBe(EVENTS);
  expect(stats.refused).toBe(0);
  expect(stats.pending).toBe(0);
  expect(reconciles(stats)).toBe(true);
  expect(stats.delivered).toBeGreaterThanOrEqual(EVENTS * 0.999);
  // The ledger's deliveries are the collector's: no event counted delivered that it does not hold.
  expect(distinct).toBe(stats.delivered);
  expect(errors).toEqual([]);
}

describe('throughput under partial failure (20 % 503, 5 % resets, 5 % 429 Retry-After: 1)', () => {
  it('20,000 events in one synchronous loop: all accepted, ≥ 99.9 % delivered, ledger exact', async () => {
    const { clock, collector, offpath, errors } = await setup();
    collector.faults.setFaultMix(FAULT_MIX);
    let accepted = 0;
    for (let i = 0; i < EVENTS; i++) if (offpath.emit(orderEvent(i))) accepted++;
    expect(accepted).toBe(EVENTS);
    await drain(clock, offpath);
    expectDelivered(offpath, collector, errors, 'sync burst');
  }, 120_000);

  it('20,000 events at 10,000/s: all accepted, ≥ 99.9 % delivered, ledger exact', async () => {
    const { clock, collector, offpath, errors } = await setup();
    collector.faults.setFaultMix(FAULT_MIX);
    let accepted = 0;
    for (let i = 0; i < EVENTS; ) {
      for (const end = i + 100; i < end; i++) if (offpath.emit(orderEvent(i))) accepted++;
      clock.advance(10);
      await realTurn();
    }
    expect(accepted).toBe(EVENTS);
    await drain(clock, offpath);
    expectDelivered(offpath, collector, errors, '10,000/s');
  }, 120_000);

  it('a 60 s outage: delivery resumes within 10 s of recovery, and every accepted event is delivered', async () => {
    const { clock, collector, offpath, errors } = await setup();
    collector.faults.setFaultMix(FAULT_MIX);
    const outage = { from: 10_000, to: 70_000 };
    let firstAfter: number | undefined;
    offpath.on('delivered', () => {
      if (firstAfter === undefined && clock.now() >= outage.to) firstAfter = clock.now();
    });
    let n = 0;
    // 100 events per second for 90 s of virtual time; the collector answers 503 to everything for 60 s of it.
    for (let t = 0; t < 90_000; t += 100) {
      if (t === outage.from) collector.faults.setFaultMix({ fail: 1 });
      if (t === outage.to) collector.faults.setFaultMix(FAULT_MIX);
      for (let i = 0; i < 10; i++) offpath.emit(orderEvent(n++));
      clock.advance(100);
      await realTurn();
    }
    await drain(clock, offpath);
    const stats = offpath.stats();
    const resumedAfterMs = (firstAfter ?? Number.POSITIVE_INFINITY) - outage.to;
    process.stdout.write(
      `outage: ${n} events, delivery resumed ${(resumedAfterMs / 1000).toFixed(1)} s after recovery; ${stats.delivered} delivered\n`,
    );
    expect(resumedAfterMs).toBeLessThanOrEqual(10_000);
    expect(stats).toMatchObject({ emitted: n, delivered: n, dropped: 0, deadLettered: 0, pending: 0 });
    expect(reconciles(stats)).toBe(true);
    expect(distinctDelivered(collector)).toBe(n);
    expect(errors).toEqual([]);
  }, 120_000);
});

describe('bounded retries against an always-503 collector (default breaker)', () => {
  it('noRetry: exactly one request per batch; sent batches are dead-lettered, held ones go once on recovery', async () => {
    const { clock, collector, offpath } = await setup({
      retry: 'noRetry',
      batch: { maxSize: 1, maxDelayMs: 0 },
    });
    collector.faults.setFailureRate(1, { status: 503 });
    const dead: Array<{ reason: string; status: number | undefined }> = [];
    offpath.on('dead-lettered', (e) => dead.push({ reason: e.reason, status: e.error?.statusCode }));
    for (let i = 0; i < 10; i++) offpath.emit(orderEvent(i));
    await drain(clock, offpath, 100, 30_000);
    // Five failures open the circuit (a few more batches were in flight by then); its probes are HEAD
    // requests that post nothing, and the batches it holds back are not sent.
    const sent = postsPerBatch(collector);
    expect(sent.every((n) => n === 1)).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(5);
    expect(sent.length).toBeLessThan(10);
    expect(dead).toEqual(Array(sent.length).fill({ reason: 'retries_exhausted', status: 503 }));
    expect(collector.received.some((r) => r.method === 'HEAD')).toBe(true);
    collector.faults.clear();
    await drain(clock, offpath, 100);
    expect(postsPerBatch(collector)).toEqual(Array(10).fill(1));
    expect(offpath.stats()).toMatchObject({
      delivered: 10 - sent.length,
      deadLettered: sent.length,
      pending: 0,
    });
  }, 60_000);

  it('maxAttempts: 3 is exactly three requests, then retries_exhausted with the last status', async () => {
    const { clock, collector, offpath } = await setup({ retry: { maxAttempts: 3 } });
    collector.faults.setFailureRate(1, { status: 503 });
    const dead: Array<{ reason: string; attempts: number; status: number | undefined }> = [];
    offpath.on('dead-lettered', (e) =>
      dead.push({ reason: e.reason, attempts: e.attempts, status: e.error?.statusCode }),
    );
    // One batch: its three failures stay under the breaker's five, so nothing holds it back.
    offpath.emit(orderEvent(0));
    await drain(clock, offpath, 100);
    expect(postsPerBatch(collector)).toEqual([3]);
    expect(dead).toEqual([{ reason: 'retries_exhausted', attempts: 3, status: 503 }]);
    expect(offpath.stats()).toMatchObject({
      deadLettered: 1,
      deadLetteredBy: { retries_exhausted: 1 },
      pending: 0,
    });
  }, 60_000);
});
