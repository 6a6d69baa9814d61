import { describe, expect, it } from 'vitest';
import { DestinationGoneError, RateLimitedError, ServerError } from '../resilience/errors.js';
import { settlePing } from './settle-send.js';

const rules = {
  retry: { maxAttempts: 1, delayFor: () => 0 },
  retryAfterCapMs: 5_000,
  defaultRateLimitWaitMs: 1_000,
};

describe('settlePing', () => {
  it('an answer closes the way, a failure keeps the circuit open', () => {
    expect(settlePing({ ok: true }, rules)).toEqual({ outcome: 'answered', breaker: 'success' });
    expect(settlePing({ ok: false, kind: 'retryable', error: new ServerError('503') }, rules)).toEqual({
      outcome: 'failed',
      breaker: 'failure',
    });
  });

  it('a 429 gives the probe back and pauses for its Retry-After, capped; a gone destination is disabled', () => {
    const limited = {
      ok: false,
      kind: 'retryable',
      error: new RateLimitedError('429'),
      retryAfterMs: 60_000,
    } as const;
    expect(settlePing(limited, rules)).toEqual({ outcome: 'paused', breaker: 'release', waitMs: 5_000 });
    expect(settlePing({ ok: false, kind: 'gone', error: new DestinationGoneError('404') }, rules)).toEqual({
      outcome: 'gone',
      breaker: 'release',
    });
  });
});
