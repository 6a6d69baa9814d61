import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import { BadRequestError, NetworkError, RateLimitedError, ServerError, TimeoutError } from './errors.js';
import type { ResilienceEvents } from './resilience-events.js';
import { RetryBudget } from './retry-budget.js';
import { RetryPolicy, retryPresets } from './retry-policy.js';
import { TypedEmitter } from './typed-emitter.js';

/** Drives the manual clock until `promise` settles; returns its outcome without throwing. */
async function drive<T>(clock: ManualClock, promise: Promise<T>, stepMs = 100): Promise<T | Error> {
  let done = false;
  const outcome = promise.then(
    (v) => v,
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
  void outcome.then(() => {
    done = true;
  });
  for (let i = 0; i < 100_000 && !done; i++) await clock.advanceAsync(stepMs);
  return outcome;
}

describe('RetryPolicy', () => {
  it('has the documented presets and retryable statuses', () => {
    expect(retryPresets).toEqual({
      defaults: { maxAttempts: 3, initialDelayMs: 1000 },
      aggressive: { maxAttempts: 5, initialDelayMs: 500 },
      noRetry: { maxAttempts: 1, initialDelayMs: 0 },
      persistent: { maxAttempts: 10, initialDelayMs: 1000 },
    });
    const policy = new RetryPolicy();
    expect([408, 425, 429, 500, 502, 503, 504].every((s) => policy.isRetryableStatus(s))).toBe(true);
    expect([400, 401, 403, 404, 413, 501].some((s) => policy.isRetryableStatus(s))).toBe(false);
  });

  it('computes delays from the options (attempt 1 is the first retry)', () => {
    const policy = new RetryPolicy({ jitter: 'none', initialDelayMs: 500, maxDelayMs: 3000 });
    expect([1, 2, 3, 4].map((a) => policy.delayFor(a))).toEqual([500, 1000, 2000, 3000]);
    const decorrelated = new RetryPolicy({
      jitter: 'decorrelated',
      initialDelayMs: 100,
      random: () => 0.999999,
    });
    expect(decorrelated.delayFor(2, 1000)).toBe(2999);
  });

  it('classifies errors: offpath errors decide themselves, network codes are found down the cause chain', () => {
    const policy = new RetryPolicy();
    expect(policy.isRetryable(new RateLimitedError('slow down'))).toBe(true);
    expect(policy.isRetryable(new BadRequestError('bad'))).toBe(false);
    expect(
      policy.isRetryable(
        new BadRequestError('bad', { cause: Object.assign(new Error(), { code: 'ECONNRESET' }) }),
      ),
    ).toBe(false);
    const fetchFailed = new TypeError('fetch failed', {
      cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    });
    expect(policy.isRetryable(fetchFailed)).toBe(true);
    const deep = new Error('a', {
      cause: new Error('b', { cause: Object.assign(new Error('c'), { code: 'UND_ERR_SOCKET' }) }),
    });
    expect(policy.isRetryable(deep)).toBe(true);
    const happyEyeballs = new AggregateError(
      [Object.assign(new Error(), { code: 'ECONNREFUSED' })],
      'all failed',
    );
    expect(policy.isRetryable(happyEyeballs)).toBe(true);
    expect(policy.isRetryable(Object.assign(new Error('http'), { statusCode: 503 }))).toBe(true);
    expect(policy.isRetryable(Object.assign(new Error('http'), { status: 404 }))).toBe(false);
    expect(policy.isRetryable(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(false);
    const cyclic = new Error('loop');
    (cyclic as { cause?: unknown }).cause = cyclic;
    expect(policy.isRetryable(cyclic)).toBe(false);
    expect(policy.isRetryable('a string')).toBe(false);
    expect(new RetryPolicy({ retryableErrorCodes: ['EACCES'] }).isRetryable({ code: 'EACCES' })).toBe(true);
  });

  it('classifies a real refused connection from fetch as retryable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(new RetryPolicy().isRetryable(error)).toBe(true);
  });

  it('retries transient failures with backoff and returns the first success', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, jitter: 'none', maxAttempts: 4, initialDelayMs: 1000 });
    const start = clock.now();
    const seen: number[] = [];
    const result = await drive(
      clock,
      policy.execute(async ({ attempt }) => {
        seen.push(clock.now() - start);
        if (attempt < 3) throw new ServerError('502');
        return `ok after ${attempt}`;
      }),
    );
    expect(result).toBe('ok after 3');
    expect(seen).toEqual([0, 1000, 3000]);
  });

  it('stops after maxAttempts and rethrows the last error', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, maxAttempts: 3, jitter: 'none' });
    let calls = 0;
    const outcome = await drive(
      clock,
      policy.execute(async ({ attempt }) => {
        calls++;
        throw new NetworkError(`reset ${attempt}`);
      }),
    );
    expect(calls).toBe(3);
    expect(outcome).toMatchObject({ message: 'reset 3' });
  });

  it('does not retry a non-retryable error', async () => {
    const policy = new RetryPolicy({ clock: new ManualClock() });
    let calls = 0;
    const outcome = policy.execute(async () => {
      calls++;
      throw new BadRequestError('nope');
    });
    await expect(outcome).rejects.toBeInstanceOf(BadRequestError);
    expect(calls).toBe(1);
  });

  it('times out each attempt, aborting its signal, and retries the timeout', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, attemptTimeoutMs: 5000, maxAttempts: 2, jitter: 'none' });
    const signals: AbortSignal[] = [];
    const outcome = await drive(
      clock,
      policy.execute(
        ({ signal }) =>
          new Promise((_, reject) => {
            signals.push(signal);
            signal.addEventListener('abort', () => reject(signal.reason));
          }),
      ),
    );
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect((outcome as Error).message).toBe('attempt timed out after 5000 ms');
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('honours the overall deadline: no retry that cannot start in time, and a running attempt is cut', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, deadlineMs: 2500, maxAttempts: 10, jitter: 'none' });
    let calls = 0;
    const outcome = await drive(
      clock,
      policy.execute(async () => {
        calls++;
        throw new ServerError('503');
      }),
    );
    // Attempts at 0 and 1000 ms; the next wait (2000 ms) would end after the deadline.
    expect(calls).toBe(2);
    expect(outcome).toBeInstanceOf(ServerError);
    const slow = new RetryPolicy({ clock, deadlineMs: 2500, attemptTimeoutMs: 10_000 });
    const cut = await drive(
      clock,
      slow.execute(
        ({ signal }) => new Promise((_, r) => signal.addEventListener('abort', () => r(signal.reason))),
      ),
    );
    expect((cut as Error).message).toBe('deadline of 2500 ms exceeded');
  });

  it('waits for a RateLimitedError retryAfterMs (65 s) instead of the shorter backoff, capped at maxRetryAfterMs', async () => {
    const clock = new ManualClock();
    const events = new TypedEmitter<ResilienceEvents>();
    const rateLimited: ResilienceEvents['rate-limited'][] = [];
    events.on('rate-limited', (e) => rateLimited.push(e));
    const policy = new RetryPolicy({
      clock,
      jitter: 'none',
      maxRetryAfterMs: 120_000,
      events,
      destination: 't',
    });
    const start = clock.now();
    const at: number[] = [];
    await drive(
      clock,
      policy.execute(
        async ({ attempt }) => {
          at.push(clock.now() - start);
          if (attempt === 1) throw new RateLimitedError('429', { retryAfterMs: 65_000 });
          if (attempt === 2) throw new RateLimitedError('429', { retryAfterMs: 3_600_000 });
          return 'ok';
        },
        { requestId: 'req-1' },
      ),
      1000,
    );
    expect(at).toEqual([0, 65_000, 185_000]);
    expect(rateLimited).toEqual([
      { destination: 't', requestId: 'req-1', waitMs: 65_000, source: 'retry-after' },
      { destination: 't', requestId: 'req-1', waitMs: 120_000, source: 'retry-after' },
    ]);
  });

  it('rejects with the abort reason when the caller aborts during a wait, and makes no further call', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, jitter: 'none' });
    const controller = new AbortController();
    let calls = 0;
    const pending = policy.execute(
      async () => {
        calls++;
        throw new ServerError('500');
      },
      { signal: controller.signal },
    );
    await clock.advanceAsync(500);
    controller.abort(new Error('closing'));
    await expect(pending).rejects.toThrow('closing');
    await clock.advanceAsync(10_000);
    expect(calls).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a retry budget stops a retry storm against a destination that always fails', async () => {
    const run = async (budget?: RetryBudget): Promise<number> => {
      const clock = new ManualClock();
      const policy = new RetryPolicy({
        clock,
        maxAttempts: 5,
        initialDelayMs: 10,
        maxDelayMs: 100,
        jitter: 'none',
      });
      let calls = 0;
      const all = Array.from({ length: 100 }, () =>
        policy.execute(
          async () => {
            calls++;
            throw new ServerError('503');
          },
          budget === undefined ? {} : { budget },
        ),
      );
      await drive(clock, Promise.allSettled(all), 10);
      return calls;
    };
    expect(await run()).toBe(500);
    const clock = new ManualClock();
    const withBudget = await run(new RetryBudget({ clock, ratio: 0.2, minRetriesPerWindow: 3 }));
    // 100 first attempts plus at most 20% of them as retries.
    expect(withBudget).toBe(120);
  });

  it('publishes attempts, failures, retries and success', async () => {
    const clock = new ManualClock();
    const events = new TypedEmitter<ResilienceEvents>();
    const log: string[] = [];
    events.on('request-start', (e) => log.push(`start ${e.attempt}`));
    events.on('request-failure', (e) => log.push(`failure ${e.attempt} ${e.latencyMs}`));
    events.on('retry', (e) => log.push(`retry ${e.attempt} ${e.delayMs}`));
    events.on('request-success', (e) => log.push(`success ${e.attempt} ${e.latencyMs}`));
    const policy = new RetryPolicy({ clock, jitter: 'none', initialDelayMs: 1000, events });
    await drive(
      clock,
      policy.execute(async ({ attempt }) => {
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 250));
        if (attempt === 1) throw new NetworkError('reset');
        return attempt;
      }),
      50,
    );
    expect(log).toEqual(['start 1', 'failure 1 250', 'retry 1 1000', 'start 2', 'success 2 250']);
  });

  it('rejects invalid options', () => {
    expect(() => new RetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => new RetryPolicy({ initialDelayMs: -1 })).toThrow(/initialDelayMs/);
    expect(() => new RetryPolicy({ multiplier: 0.5 })).toThrow(/multiplier/);
    expect(() => new RetryPolicy({ attemptTimeoutMs: 0 })).toThrow(/attemptTimeoutMs/);
    expect(() => new RetryPolicy({ jitter: 'random' as 'full' })).toThrow(/jitter/);
  });
});

describe('RetryPolicy in a script with nothing else to do', () => {
  it('keeps the process alive while the caller awaits a retry wait', async () => {
    const policyUrl = new URL('./retry-policy.ts', import.meta.url).href;
    const script = `
      const { RetryPolicy } = await import(${JSON.stringify(policyUrl)});
      const policy = new RetryPolicy({ initialDelayMs: 200, jitter: 'none' });
      const result = await policy.execute(async ({ attempt }) => {
        if (attempt === 1) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        return 'attempt ' + attempt;
      });
      process.stdout.write(result);
    `;
    const stdout = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { cwd: fileURLToPath(new URL('../..', import.meta.url)), timeout: 20_000 },
        (_error, out) => resolve(out),
      );
    });
    expect(stdout).toBe('attempt 2');
  });
});
