/**
 * What one send's result means, as a value: what becomes of the message, what the breaker is told
 * and how long to wait. Pure, so every rule (attempts, refunds, Retry-After caps) is tested alone;
 * the lane applies the answer.
 * @module
 */
import type { SendResult } from '../core/sink.js';
import { capRetryAfter } from '../resilience/retry-after.js';
import type { RetrySchedule } from './lane-policies.js';

/** What the breaker is told: a success, a failure, or (a probe that proved nothing) its slot back. */
export type BreakerVerdict = 'success' | 'failure' | 'release';

/** Where the message goes next. */
export type Settlement =
  | { readonly outcome: 'delivered'; readonly breaker: 'success' }
  | { readonly outcome: 'rejected'; readonly breaker: 'success' }
  | { readonly outcome: 'gone' | 'shutdown'; readonly breaker: 'release' }
  /** Rate limited: the whole destination pauses `waitMs`; the message goes again, attempt refunded. */
  | { readonly outcome: 'paused'; readonly breaker: 'success'; readonly waitMs: number }
  /** Failed: the message waits `waitMs` (its backoff `delayMs`, or longer when the server asked). */
  | {
      readonly outcome: 'retry';
      readonly breaker: 'failure';
      readonly waitMs: number;
      readonly delayMs: number;
      /** True when this send did not count as an attempt (a probe). */
      readonly refunded: boolean;
    }
  /** Failed, and that was its last attempt. */
  | { readonly outcome: 'exhausted'; readonly breaker: 'failure' };

/** The retry rules of a destination. */
export interface SettleRules {
  readonly retry: RetrySchedule;
  /** Longest Retry-After honoured. */
  readonly retryAfterCapMs: number;
  /** Wait on a 429 that did not say how long. */
  readonly defaultRateLimitWaitMs: number;
}

/** Where the message stood when it was sent: attempts include this send. */
export interface SentMessage {
  readonly attempts: number;
  readonly failures: number;
  readonly lastDelayMs: number;
}

/**
 * Decides what `result` means for `sent`. A probe (the send the breaker let through to test
 * recovery) never spends an attempt, and neither does a Retry-After answer.
 */
export function settleSend(
  result: SendResult,
  sent: SentMessage,
  how: { readonly probe: boolean; readonly closing: boolean },
  rules: SettleRules,
): Settlement {
  if (result.ok) return { outcome: 'delivered', breaker: 'success' };
  if (how.closing) return { outcome: 'shutdown', breaker: 'release' };
  switch (result.kind) {
    case 'gone':
      return { outcome: 'gone', breaker: 'release' };
    case 'permanent':
      // The destination answered: it is alive, only this payload is refused. Never resent unchanged.
      return { outcome: 'rejected', breaker: 'success' };
    case 'retryable': {
      const hinted = result.retryAfterMs ?? result.error.retryAfterMs;
      if (result.error.code === 'ERR_RATE_LIMITED') {
        const { waitMs } = capRetryAfter(hinted ?? rules.defaultRateLimitWaitMs, rules.retryAfterCapMs);
        return { outcome: 'paused', breaker: 'success', waitMs };
      }
      if (!how.probe && sent.attempts >= rules.retry.maxAttempts)
        return { outcome: 'exhausted', breaker: 'failure' };
      const delayMs = rules.retry.delayFor(sent.failures + 1, sent.lastDelayMs || undefined);
      const asked = hinted === undefined ? 0 : capRetryAfter(hinted, rules.retryAfterCapMs).waitMs;
      return {
        outcome: 'retry',
        breaker: 'failure',
        waitMs: Math.max(delayMs, asked),
        delayMs,
        refunded: how.probe,
      };
    }
  }
}

/** What a recovery ping's result means: the breaker's verdict, and a pause when it was rate limited. */
export type PingSettlement =
  | { readonly outcome: 'answered' | 'failed'; readonly breaker: 'success' | 'failure' }
  | { readonly outcome: 'paused'; readonly breaker: 'release'; readonly waitMs: number }
  | { readonly outcome: 'gone'; readonly breaker: 'release' };

/** Decides what a ping's result means (a 429 proves the destination up but asks us to wait). */
export function settlePing(result: SendResult, rules: SettleRules): PingSettlement {
  if (result.ok) return { outcome: 'answered', breaker: 'success' };
  if (result.kind === 'gone') return { outcome: 'gone', breaker: 'release' };
  if (result.kind === 'retryable' && result.error.code === 'ERR_RATE_LIMITED') {
    const asked = result.retryAfterMs ?? result.error.retryAfterMs ?? rules.defaultRateLimitWaitMs;
    return {
      outcome: 'paused',
      breaker: 'release',
      waitMs: capRetryAfter(asked, rules.retryAfterCapMs).waitMs,
    };
  }
  return { outcome: 'failed', breaker: 'failure' };
}
