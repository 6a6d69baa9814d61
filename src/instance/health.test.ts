import { describe, expect, it } from 'vitest';
import type { SendResult } from '../core/sink.js';
import { DestinationGoneError, RateLimitedError, ServerError } from '../resilience/errors.js';
import { memorySink } from '../sinks/memory-sink.js';
import { ManualClock } from '../testing/manual-clock.js';
import { createOffpath } from './create-offpath.js';

function setup(respond: () => SendResult) {
  const clock = new ManualClock(0);
  const sink = memorySink({ maxBatchSize: 1 });
  sink.respondWith(respond);
  const offpath = createOffpath(
    {
      destinations: [
        {
          name: 'd',
          type: 'custom',
          sink,
          breaker: 'strict',
          retry: { initialDelayMs: 100, maxDelayMs: 100, jitter: 'none' },
          batch: { maxSize: 1 },
        },
      ],
    },
    { clock, random: () => 0.5 },
  );
  const changes: string[] = [];
  offpath.on('health-change', (e) => changes.push(`${e.from}→${e.to}`));
  return { clock, sink, offpath, changes };
}

describe('health', () => {
  it('reports healthy with latency and no errors after successful sends', async () => {
    const { clock, offpath } = setup(() => ({ ok: true }));
    offpath.emit({ message: 'a' });
    await clock.advanceAsync(100);
    const h = offpath.health();
    expect(h.state).toBe('healthy');
    expect(h.destinations['d']).toMatchObject({
      state: 'healthy',
      errorRate: 0,
      sendsInWindow: 1,
      queueDepth: 0,
      lastFailure: undefined,
    });
    expect(h.destinations['d']?.lastSuccess?.at).toBe(0);
  });

  it('goes rate-limited on a 429 burst and back to healthy when the pause ends', async () => {
    let n = 0;
    const { clock, offpath, changes } = setup(() =>
      n++ < 1
        ? {
            ok: false,
            kind: 'retryable',
            error: new RateLimitedError('Discord 429', { statusCode: 429 }),
            retryAfterMs: 5_000,
          }
        : { ok: true },
    );
    offpath.emit({ message: 'a' });
    await clock.advanceAsync(10);
    expect(offpath.health().destinations['d']?.state).toBe('rate-limited');
    await clock.advanceAsync(6_000);
    expect(offpath.health().destinations['d']?.state).toBe('healthy');
    expect(changes).toEqual(['healthy→rate-limited', 'rate-limited→healthy']);
  });

  it('degrades on failures, opens the circuit on a 5xx storm, and recovers', async () => {
    let failing = true;
    const { clock, offpath, changes } = setup(() =>
      failing
        ? { ok: false, kind: 'retryable', error: new ServerError('HTTP 503', { statusCode: 503 }) }
        : { ok: true },
    );
    offpath.emit({ message: 'a' });
    await clock.advanceAsync(10);
    expect(offpath.health().destinations['d']).toMatchObject({
      state: 'degraded',
      lastFailure: { status: 503, code: 'ERR_SERVER', reason: 'HTTP 503' },
    });
    await clock.advanceAsync(1_000);
    expect(offpath.health()).toMatchObject({
      state: 'unhealthy',
      destinations: { d: { state: 'open-circuit' } },
    });
    failing = false;
    await clock.advanceAsync(40_000);
    // One probe got through; the strict preset closes after two successful probes.
    offpath.emit({ message: 'b' });
    await clock.advanceAsync(1_000);
    expect(offpath.health().destinations['d']?.state).toBe('degraded');
    await clock.advanceAsync(300_000);
    expect(offpath.health().state).toBe('healthy');
    expect(changes).toEqual([
      'healthy→degraded',
      'degraded→open-circuit',
      'open-circuit→degraded',
      'degraded→healthy',
    ]);
  });

  it('is disabled when the destination is gone, until enable()', async () => {
    let gone = true;
    const { clock, offpath, changes } = setup(() =>
      gone
        ? { ok: false, kind: 'gone', error: new DestinationGoneError('Unknown Webhook', { statusCode: 404 }) }
        : { ok: true },
    );
    offpath.emit({ message: 'a' });
    await clock.advanceAsync(10);
    expect(offpath.health().destinations['d']?.state).toBe('disabled');
    gone = false;
    expect(offpath.enable('d')).toBe(true);
    offpath.emit({ message: 'b' });
    await clock.advanceAsync(10);
    // The failure is still within the recent window: degraded until it ages out.
    expect(offpath.health().destinations['d']?.state).toBe('degraded');
    await clock.advanceAsync(300_000);
    expect(offpath.health().destinations['d']?.state).toBe('healthy');
    expect(changes).toEqual([
      'healthy→degraded',
      'degraded→disabled',
      'disabled→degraded',
      'degraded→healthy',
    ]);
  });
});

describe('self-monitoring', () => {
  it('measures its own emit cost, work and throughput', async () => {
    const offpath = createOffpath({ destinations: [{ name: 'm', type: 'memory' }] });
    for (let i = 0; i < 2_000; i++) offpath.emit({ message: `e${i}` });
    await offpath.flush();
    const self = offpath.stats().self;
    expect(self.emitUs.samples).toBeGreaterThan(20);
    expect(self.emitUs.p50).toBeGreaterThan(0);
    expect(self.workMsPerSecond).toBeGreaterThan(0);
    expect(self.eventsInPerSecond).toBeGreaterThan(0);
    expect(self.shedding).toBe(false);
    await offpath.close();
  });

  it('sheds low-level events at the door when over its budget, and says so', async () => {
    const clock = new ManualClock(0);
    const offpath = createOffpath(
      { destinations: [{ name: 'm', type: 'memory' }], limits: { cpuBudgetPercent: 0.001 } },
      { clock },
    );
    const budgets: boolean[] = [];
    offpath.on('self-budget', (e) => budgets.push(e.shedding));
    // Real work in second 0 (any work beats 0.01 ms per second), then the clock moves on.
    for (let i = 0; i < 500; i++) offpath.emit({ level: 'debug', message: 'busy' });
    await offpath.flush();
    clock.advance(1_000);
    offpath.stats();
    await Promise.resolve();
    expect(budgets).toEqual([true]);
    expect(offpath.emit({ level: 'debug', message: 'refused' })).toBe(false);
    expect(offpath.stats().refusedBy.overload).toBe(1);
    expect(offpath.emit({ level: 'error', message: 'still accepted' })).toBe(true);
    await offpath.close();
  });
});
