import { describe, expect, it } from 'vitest';
import type { SendResult } from '../core/sink.js';
import {
  BadRequestError,
  DestinationGoneError,
  RateLimitedError,
  ServerError,
} from '../resilience/errors.js';
import { type SettleRules, settleSend } from './settle-send.js';

const rules: SettleRules = {
  retry: { maxAttempts: 3, delayFor: (n) => 100 * 2 ** (n - 1) },
  retryAfterCapMs: 10_000,
  defaultRateLimitWaitMs: 1_000,
};
const sent = (attempts: number, failures = attempts - 1) => ({ attempts, failures, lastDelayMs: 0 });
const normal = { probe: false, closing: false };
const fail503: SendResult = {
  ok: false,
  kind: 'retryable',
  error: new ServerError('503', { statusCode: 503 }),
};

describe('settleSend', () => {
  it('retries with the backoff of the failure count until the last attempt, then is exhausted', () => {
    expect(settleSend(fail503, sent(1), normal, rules)).toEqual({
      outcome: 'retry',
      breaker: 'failure',
      waitMs: 100,
      delayMs: 100,
      refunded: false,
    });
    expect(settleSend(fail503, sent(2), normal, rules)).toMatchObject({ outcome: 'retry', waitMs: 200 });
    expect(settleSend(fail503, sent(3), normal, rules)).toEqual({ outcome: 'exhausted', breaker: 'failure' });
  });

  it('a probe never spends an attempt, so it never exhausts a message', () => {
    expect(settleSend(fail503, sent(3), { probe: true, closing: false }, rules)).toMatchObject({
      outcome: 'retry',
      refunded: true,
    });
  });

  it('waits for a Retry-After longer than the backoff, capped', () => {
    const hinted: SendResult = { ...fail503, retryAfterMs: 60_000 } as SendResult;
    expect(settleSend(hinted, sent(1), normal, rules)).toMatchObject({
      outcome: 'retry',
      waitMs: 10_000,
      delayMs: 100,
    });
  });

  it('a 429 pauses the destination, capped, and is a sign of life for the breaker', () => {
    const limited: SendResult = {
      ok: false,
      kind: 'retryable',
      error: new RateLimitedError('429'),
      retryAfterMs: 65_000,
    };
    expect(settleSend(limited, sent(3), normal, rules)).toEqual({
      outcome: 'paused',
      breaker: 'success',
      waitMs: 10_000,
    });
    const silent: SendResult = { ok: false, kind: 'retryable', error: new RateLimitedError('429') };
    expect(settleSend(silent, sent(1), normal, rules)).toMatchObject({ waitMs: 1_000 });
  });

  it('rejected payloads, gone destinations, shutdown and success', () => {
    const rejected: SendResult = { ok: false, kind: 'permanent', error: new BadRequestError('400') };
    const gone: SendResult = { ok: false, kind: 'gone', error: new DestinationGoneError('404') };
    expect(settleSend(rejected, sent(1), normal, rules)).toEqual({ outcome: 'rejected', breaker: 'success' });
    expect(settleSend(gone, sent(1), normal, rules)).toEqual({ outcome: 'gone', breaker: 'release' });
    expect(settleSend(fail503, sent(1), { probe: false, closing: true }, rules)).toEqual({
      outcome: 'shutdown',
      breaker: 'release',
    });
    expect(settleSend({ ok: true }, sent(1), { probe: false, closing: true }, rules)).toEqual({
      outcome: 'delivered',
      breaker: 'success',
    });
  });
});
