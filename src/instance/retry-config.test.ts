/**
 * Every retry, budget, breaker and timeout field of a destination has its effect (virtual time, a
 * memory sink that records when it was called).
 */
import { describe, expect, it } from 'vitest';
import type { OffpathConfig } from '../config/config-schema.js';
import type { SendResult } from '../core/sink.js';
import { reconciles } from '../pipeline/ledger.js';
import { RateLimitedError, ServerError } from '../resilience/errors.js';
import { memorySink } from '../sinks/memory-sink.js';
import { ManualClock } from '../testing/manual-clock.js';
import { createOffpath } from './create-offpath.js';

type Destination = Partial<OffpathConfig['destinations'][number]>;
const fail503: SendResult = {
  ok: false,
  kind: 'retryable',
  error: new ServerError('HTTP 503', { statusCode: 503 }),
};
/** A breaker and budget that stay out of the way, for the tests about something else. */
const quiet = { breaker: { failureThreshold: 1_000 }, retryBudget: { minRetriesPerWindow: 1_000 } };

/** Emits one event into a destination whose sink answers `answer`; returns the gaps between sends. */
async function sendTimes(
  destination: Destination,
  answer: () => SendResult | Promise<SendResult>,
  random = 0.5,
  runMs = 60_000,
) {
  const clock = new ManualClock(0);
  const sink = memorySink({ maxBatchSize: 10 });
  const times: number[] = [];
  sink.respondWith(() => {
    times.push(clock.now());
    return answer();
  });
  const dead: Array<{ reason: string; attempts: number; status: number | undefined }> = [];
  const offpath = createOffpath(
    {
      destinations: [
        { name: 'd', type: 'custom', sink, ...destination } as OffpathConfig['destinations'][number],
      ],
    },
    { clock, random: () => random },
  );
  offpath.on('dead-lettered', (e) =>
    dead.push({ reason: e.reason, attempts: e.attempts, status: e.error?.statusCode }),
  );
  offpath.emit({ message: 'x' });
  for (let t = 0; t < runMs; t += 100) await clock.advanceAsync(100);
  const stats = offpath.stats();
  expect(reconciles(stats)).toBe(true);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  return { times, gaps, dead, stats, sink, clock, offpath };
}

describe('destination retry settings', () => {
  it('maxAttempts, initialDelayMs, multiplier and maxDelayMs shape the schedule; the last failure is dead-lettered', async () => {
    const retry = {
      maxAttempts: 5,
      initialDelayMs: 100,
      multiplier: 3,
      maxDelayMs: 500,
      jitter: 'none' as const,
    };
    const { times, gaps, dead, stats } = await sendTimes({ retry, ...quiet }, () => fail503);
    expect(times).toHaveLength(5);
    expect(gaps).toEqual([100, 300, 500, 500]);
    expect(dead).toEqual([{ reason: 'retries_exhausted', attempts: 5, status: 503 }]);
    expect(stats.deadLetteredBy).toEqual({ retries_exhausted: 1 });
  });

  it('noRetry is exactly one attempt, and maxAttempts: 3 exactly three', async () => {
    expect((await sendTimes({ retry: 'noRetry', ...quiet }, () => fail503)).times).toHaveLength(1);
    const three = await sendTimes({ retry: { maxAttempts: 3 }, ...quiet }, () => fail503);
    expect(three.times).toHaveLength(3);
    expect(three.dead).toEqual([{ reason: 'retries_exhausted', attempts: 3, status: 503 }]);
  });

  it('a destination without retry settings makes 10 attempts (the persistent preset)', async () => {
    const { times, dead } = await sendTimes({ ...quiet }, () => fail503, 0.5, 120_000);
    expect(times).toHaveLength(10);
    expect(dead).toMatchObject([{ reason: 'retries_exhausted', attempts: 10 }]);
  });

  it('jitter: full halves at the midpoint draw, a ±0.2 factor spans 80 % to 120 %', async () => {
    const retry = { maxAttempts: 4, initialDelayMs: 100, multiplier: 2, maxDelayMs: 10_000 };
    const full = await sendTimes({ retry: { ...retry, jitter: 'full' }, ...quiet }, () => fail503, 0.5);
    expect(full.gaps).toEqual([50, 100, 200]);
    const low = await sendTimes({ retry: { ...retry, jitter: 0.2 }, ...quiet }, () => fail503, 0);
    expect(low.gaps).toEqual([80, 160, 320]);
    const decorrelated = await sendTimes(
      { retry: { ...retry, jitter: 'decorrelated' }, ...quiet },
      () => fail503,
      0,
    );
    expect(decorrelated.gaps).toEqual([100, 100, 100]);
  });

  it('a Retry-After answer does not spend an attempt', async () => {
    let n = 0;
    const limited: SendResult = {
      ok: false,
      kind: 'retryable',
      error: new RateLimitedError('HTTP 429', { statusCode: 429 }),
      retryAfterMs: 1_000,
    };
    const { times, gaps, dead } = await sendTimes(
      { retry: { maxAttempts: 3, initialDelayMs: 10, jitter: 'none' }, ...quiet },
      () => (++n <= 2 ? limited : fail503),
    );
    // Two pauses of 1 s, then the three attempts.
    expect(times).toHaveLength(5);
    expect(gaps.slice(0, 2)).toEqual([1_000, 1_000]);
    expect(dead).toEqual([{ reason: 'retries_exhausted', attempts: 3, status: 503 }]);
  });

  it('retryBudget: without budget for retries, a failed batch waits instead of retrying', async () => {
    const none = await sendTimes(
      {
        retry: { maxAttempts: 5, initialDelayMs: 10 },
        breaker: { failureThreshold: 1_000 },
        retryBudget: { ratio: 0, minRetriesPerWindow: 0 },
      },
      () => fail503,
    );
    expect(none.times).toHaveLength(1);
    expect(none.stats.pending).toBe(1);
    const two = await sendTimes(
      {
        retry: { maxAttempts: 50, initialDelayMs: 10, maxDelayMs: 10 },
        breaker: { failureThreshold: 1_000 },
        retryBudget: { ratio: 0, minRetriesPerWindow: 2, windowMs: 100_000 },
      },
      () => fail503,
    );
    expect(two.times).toHaveLength(3);
  });

  it('breaker: recoveryMultiplier grows the open period up to maxRecoveryTimeoutMs; probes spend no attempt', async () => {
    const { gaps, stats } = await sendTimes(
      {
        retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10 },
        breaker: {
          failureThreshold: 1,
          recoveryTimeoutMs: 1_000,
          recoveryMultiplier: 3,
          maxRecoveryTimeoutMs: 5_000,
        },
        retryBudget: { minRetriesPerWindow: 1_000 },
      },
      () => fail503,
    );
    // First send, then a probe after each open period: 1 s, 3 s, then 5 s (capped) again and again.
    expect(gaps.slice(0, 5)).toEqual([1_000, 3_000, 5_000, 5_000, 5_000]);
    expect(stats.deadLettered).toBe(0);
    expect(stats.pending).toBe(1);
  });

  it('sendTimeoutMs ends a send that hangs, and the batch is retried', async () => {
    let n = 0;
    const { gaps, stats } = await sendTimes(
      { sendTimeoutMs: 300, retry: { initialDelayMs: 10, jitter: 'none' }, ...quiet },
      () => (++n === 1 ? new Promise<SendResult>(() => {}) : { ok: true }),
    );
    expect(gaps).toEqual([310]);
    expect(stats.delivered).toBe(1);
  });

  it('a bad breaker combination is a config error naming the destination', () => {
    expect(() =>
      createOffpath({
        destinations: [
          { name: 'd', type: 'memory', breaker: { recoveryTimeoutMs: 10_000, maxRecoveryTimeoutMs: 1_000 } },
        ],
      }),
    ).toThrow(/destinations\.d: CircuitBreaker: `maxRecoveryTimeoutMs` must be >= `recoveryTimeoutMs`/);
  });
});
