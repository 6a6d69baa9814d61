/**
 * What one send's result means for the destination: the breaker, the limiter and the retry schedule
 * are updated here, and the lane is told what to do with the message.
 * @module
 */
import type { SendResult } from '../core/sink.js';
import { capRetryAfter } from '../resilience/retry-after.js';
import type { LaneSettings, OutboxItem } from './lane.js';

/** What the lane does with the message next. */
export type SendOutcome = 'delivered' | 'retry' | 'rejected' | 'gone' | 'shutdown';

/** Applies a send result to the breaker, limiter and retry schedule of `item`. */
export function settleSend(
  s: LaneSettings,
  destination: string,
  item: OutboxItem,
  result: SendResult,
  latencyMs: number,
  probe: boolean,
  closed: boolean,
): SendOutcome {
  const { breaker, limiter, observer } = s;
  // The server counted this request when it arrived, no later than now: count our window from here.
  limiter.complete();
  if (result.rate) limiter.update(result.rate);
  if (result.ok) {
    breaker.onSuccess();
    observer.requestSuccess(destination, item.attempts, latencyMs);
    return 'delivered';
  }
  observer.requestFailure(destination, item.attempts, latencyMs, result.error);
  if (closed) {
    if (probe) breaker.releaseProbe();
    return 'shutdown';
  }
  switch (result.kind) {
    case 'gone':
      if (probe) breaker.releaseProbe();
      return 'gone';
    case 'permanent':
      // The destination answered: it is alive, only this payload is refused. Never resent unchanged.
      breaker.onSuccess();
      return 'rejected';
    case 'retryable': {
      const hinted = result.retryAfterMs ?? result.error.retryAfterMs;
      if (result.error.code === 'ERR_RATE_LIMITED') {
        breaker.onSuccess();
        const { waitMs } = capRetryAfter(hinted ?? s.defaultRateLimitWaitMs, s.retryAfterCapMs);
        // A Retry-After pauses the whole destination, and is not an attempt spent by this message.
        limiter.pauseFor(waitMs);
        observer.rateLimited(destination, waitMs, 'retry-after');
        item.attempts--;
        return 'retry';
      }
      breaker.onFailure();
      item.failures++;
      const delay = s.retry.delayFor(item.failures, item.lastDelayMs || undefined);
      item.lastDelayMs = delay;
      const waitMs = Math.max(
        delay,
        hinted === undefined ? 0 : capRetryAfter(hinted, s.retryAfterCapMs).waitMs,
      );
      item.notBefore = s.clock.now() + waitMs;
      observer.retry(destination, item.attempts, waitMs, result.error);
      return 'retry';
    }
  }
}
