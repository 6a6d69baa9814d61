/**
 * The sink seam: a destination formats a batch into messages and sends one message at a time.
 * Sinks never queue, sleep or retry: the pipeline owns pacing, retries and accounting.
 * @module
 */
import type { OffpathError } from '../resilience/errors.js';
import type { EventRecord } from './event.js';

/** Rate information read from a response, used to correct the destination's limiter live. */
export interface RateInfo {
  /** Requests left in the current window. */
  readonly remaining?: number;
  /** Milliseconds until the window resets. */
  readonly resetAfterMs?: number;
  /** Size of the window. */
  readonly limit?: number;
}

/**
 * The outcome of one send. Failures are values, never exceptions:
 * - `ok`: delivered.
 * - `retryable`: try again later; `retryAfterMs` when the remote side said how long to wait.
 * - `permanent`: this payload will never be accepted (dead-letter it; do not retry unchanged).
 * - `gone`: the destination no longer exists (disable it for good).
 */
export type SendResult =
  | { readonly ok: true; readonly rate?: RateInfo }
  | {
      readonly ok: false;
      readonly kind: 'retryable';
      readonly error: OffpathError;
      readonly retryAfterMs?: number;
      readonly rate?: RateInfo;
    }
  | {
      readonly ok: false;
      readonly kind: 'permanent' | 'gone';
      readonly error: OffpathError;
      readonly rate?: RateInfo;
    };

/** One message produced by {@link Sink.format}. */
export interface OutgoingMessage<P = unknown> {
  /** What {@link Sink.send} posts. */
  readonly payload: P;
  /**
   * The records whose delivery completes when this message is sent. When one record is split across
   * several messages, it is listed only on the last one.
   */
  readonly records: readonly EventRecord[];
}

/** A proactive limit applied before sending: `limit` messages per `intervalMs`. */
export interface RateLimitSpec {
  readonly limit: number;
  readonly intervalMs: number;
  /**
   * What else the platform counts against this limit: every webhook of the same `channel` (Discord's
   * 30 per minute), every chat of the same `bot` (Telegram's 30 per second). Only shared coordination
   * reads it; a lane alone applies the limit to itself. @default undefined (this destination only)
   */
  readonly sharedBy?: 'channel' | 'bot';
}

/**
 * What checking a destination without posting a message found:
 * - `ok`: the destination answered and accepts our credentials.
 * - `failed`: it answered, but refused (deleted webhook, wrong token, unknown chat, an error status).
 * - `unreachable`: no answer (connection refused, DNS failure, timeout).
 * - `skipped`: it cannot be checked without posting, or there is nothing to check.
 */
export type ProbeStatus = 'ok' | 'failed' | 'unreachable' | 'skipped';

/** The outcome of {@link Sink.probe}; `detail` never contains a token or a webhook URL. */
export interface ProbeOutcome {
  readonly status: ProbeStatus;
  readonly detail: string;
}

/** Context for one send. */
export interface SendContext {
  /** Aborted when the per-send timeout or the close deadline passes. */
  readonly signal: AbortSignal;
}

/**
 * A destination. Implementations format and POST; nothing else.
 * @example
 * const sink: Sink<string> = {
 *   type: 'stdout',
 *   format: (batch) => batch.map((r) => ({ payload: r.message ?? '', records: [r] })),
 *   send: async (line) => { process.stdout.write(`${line}\n`); return { ok: true }; },
 * };
 */
export interface Sink<P = unknown> {
  /** Destination type, for labels (`discord`, `http`, ...). */
  readonly type: string;
  /** Turns a batch into messages that respect the platform's limits. Pure and synchronous. */
  format(batch: readonly EventRecord[]): readonly OutgoingMessage<P>[];
  /** Sends one message. Must honour `ctx.signal`. Should not throw; a throw counts as a retryable failure. */
  send(payload: P, ctx: SendContext): Promise<SendResult>;
  /**
   * Checks the destination without posting a message (`offpath check --probe`). Must honour
   * `ctx.signal` and should not throw. A sink without it is reported as `skipped`.
   */
  probe?(ctx: SendContext): Promise<ProbeOutcome>;
  /**
   * A cheap request that posts nothing, sent as the circuit breaker's recovery probe instead of a
   * batch, so probing an outage costs no payload and no batch an attempt. `ok` means the destination
   * answers again. Must honour `ctx.signal` and should not throw. Without it the probe is the next
   * batch (which is not counted as one of its attempts either).
   */
  ping?(ctx: SendContext): Promise<SendResult>;
  /** Releases connections. */
  close?(): Promise<void>;
  /** The platform's published limits, used for proactive pacing. */
  readonly rateLimits?: readonly RateLimitSpec[];
  /** Most records that make sense in one batch (Discord: 10 embeds). */
  readonly maxBatchSize?: number;
  /** Most bytes of records (the pipeline's estimate) in one batch. @default unlimited */
  readonly maxBatchBytes?: number;
  /**
   * Sends that may be in flight at once. Above 1, messages can arrive out of order (a failed one is
   * retried after its own backoff while later ones go). @default 1
   */
  readonly concurrency?: number;
}
