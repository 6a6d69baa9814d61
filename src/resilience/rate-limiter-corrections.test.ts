import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import { RateLimiter } from './rate-limiter.js';

/** Discord's per-webhook limit, 5 per 2 s, on a manual clock. */
function webhookLimiter(options: { marginMs?: number } = {}): { clock: ManualClock; limiter: RateLimiter } {
  const clock = new ManualClock();
  return { clock, limiter: new RateLimiter({ limits: [{ limit: 5, intervalMs: 2000 }], clock, ...options }) };
}

describe('RateLimiter corrections from the server and from answers', () => {
  it('waits at least the reset-after when the server says nothing is left', () => {
    const { clock, limiter } = webhookLimiter();
    expect(limiter.tryAcquire()).toBe(0);
    limiter.update({ remaining: 0, resetAfterMs: 1500, limit: 5 });
    expect(limiter.waitMs()).toBe(1500);
    expect(limiter.serverLimit).toBe(5);
    clock.advance(1499);
    expect(limiter.tryAcquire()).toBe(1);
    clock.advance(1);
    expect(limiter.tryAcquire()).toBe(0);
  });

  it('adds the margin to server resets and pauses', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ limits: [{ limit: 5, intervalMs: 2000 }], clock, marginMs: 50 });
    limiter.update({ remaining: 0, resetAfterMs: 1000 });
    expect(limiter.waitMs()).toBe(1050);
    limiter.pauseFor(3000);
    expect(limiter.waitMs()).toBe(3050);
  });

  it('spends the remaining count the server reported until its reset', () => {
    const { clock, limiter } = webhookLimiter();
    limiter.update({ remaining: 2, resetAfterMs: 5000 });
    expect(limiter.tryAcquire()).toBe(0);
    expect(limiter.tryAcquire()).toBe(0);
    expect(limiter.tryAcquire()).toBe(5000);
    clock.advance(5000);
    expect(limiter.tryAcquire()).toBe(0);
  });

  it('never lets a generous server push us past our own limits', () => {
    const { limiter } = webhookLimiter();
    limiter.update({ remaining: 50, resetAfterMs: 60_000 });
    for (let i = 0; i < 5; i++) expect(limiter.tryAcquire()).toBe(0);
    expect(limiter.tryAcquire()).toBe(2000);
  });

  it('ignores a server count it cannot time and garbage values', () => {
    const { limiter } = webhookLimiter();
    limiter.update({ remaining: 0 });
    limiter.update({ remaining: Number.NaN, resetAfterMs: 1000 });
    limiter.update({ remaining: 0, resetAfterMs: -5 });
    limiter.update({ remaining: 0, resetAfterMs: Number.POSITIVE_INFINITY });
    expect(limiter.waitMs()).toBe(0);
  });

  it('without limits, only pauses and the server window make it wait', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ limits: [], clock });
    for (let i = 0; i < 1000; i++) expect(limiter.tryAcquire()).toBe(0);
    expect(limiter.ratePerMs()).toBeUndefined();
    limiter.update({ remaining: 0, resetAfterMs: 700 });
    expect(limiter.waitMs(50)).toBe(700);
    limiter.resume();
    expect(limiter.waitMs()).toBe(0);
    limiter.pauseFor(1000);
    expect(limiter.waitMs()).toBe(1000);
  });

  it('reports the sustained rate of its tightest limit, margin included', () => {
    const limiter = new RateLimiter({
      limits: [
        { limit: 5, intervalMs: 2000 },
        { limit: 30, intervalMs: 60_000 },
      ],
      marginMs: 0,
    });
    expect(limiter.ratePerMs()).toBe(30 / 60_000);
  });

  it('counts a sliding window from the answer once the request completes', () => {
    const { clock, limiter } = webhookLimiter();
    for (let i = 0; i < 5; i++) limiter.tryAcquire();
    clock.advance(300);
    limiter.complete();
    clock.advance(1700);
    // Four acquisitions still date from t=0 and have left; the completed one counts from t=300.
    expect(limiter.waitMs(1)).toBe(0);
    for (let i = 0; i < 4; i++) expect(limiter.tryAcquire()).toBe(0);
    expect(limiter.waitMs()).toBe(300);
  });

  it('never lets complete() make a window earlier, and keeps the guarantee under random completions', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ gap: fc.integer({ min: 0, max: 3000 }), latency: fc.integer({ min: 0, max: 3000 }) }),
          {
            maxLength: 60,
          },
        ),
        (sends) => {
          const clock = new ManualClock();
          const limiter = new RateLimiter({ limits: [{ limit: 3, intervalMs: 2000 }], clock });
          const sent: number[] = [];
          const answered: number[] = [];
          for (const { gap, latency } of sends) {
            clock.advance(gap);
            const wait = limiter.tryAcquire();
            if (wait > 0) {
              clock.advance(wait);
              expect(limiter.tryAcquire()).toBe(0);
            }
            sent.push(clock.now());
            // One request at a time: it is answered before the next one goes.
            clock.advance(latency);
            limiter.complete();
            answered.push(clock.now());
          }
          // The server counts a request somewhere between its send and its answer, so a fourth send
          // must leave a full interval after the first one's answer.
          for (let i = 0; i + 3 < sent.length; i++) {
            expect(sent[i + 3]! - answered[i]!).toBeGreaterThanOrEqual(2000);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counting from answers, keeps the guarantee with any number of requests in flight', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ gap: fc.integer({ min: 0, max: 2500 }), latency: fc.integer({ min: 0, max: 3000 }) }),
          {
            maxLength: 60,
          },
        ),
        (sends) => {
          const interval = 2000;
          const clock = new ManualClock(0);
          const limiter = new RateLimiter({
            limits: [{ limit: 3, intervalMs: interval }],
            clock,
            countFromAnswers: true,
          });
          const requests: Array<{ sent: number; answer: number }> = [];
          const pending: number[] = [];
          // Moves time to `t`, answering on the way every request whose answer falls due.
          const advanceTo = (t: number) => {
            pending.sort((a, b) => a - b);
            while (pending.length > 0 && pending[0]! <= t) {
              clock.advance(pending.shift()! - clock.now());
              limiter.complete();
            }
            clock.advance(t - clock.now());
          };
          for (const { gap, latency } of sends) {
            advanceTo(clock.now() + gap);
            for (let wait = limiter.tryAcquire(); wait > 0; wait = limiter.tryAcquire()) {
              advanceTo(Math.min(clock.now() + wait, ...pending));
            }
            const now = clock.now();
            // A server counts a request somewhere between its send and its answer: whatever it counts
            // in the interval before this arrival is among the requests answered in it or in flight.
            expect(requests.filter((r) => r.answer > now - interval).length).toBeLessThan(3);
            requests.push({ sent: now, answer: now + latency });
            pending.push(now + latency);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
