/**
 * Bounding one async call in time, cooperatively: the call gets a signal that aborts when time is up.
 * @module
 */
import { type Clock, systemClock } from './clock.js';
import { TimeoutError } from './errors.js';

/** Options of {@link withTimeout}. */
export interface WithTimeoutOptions {
  /** Source of time and timers. @default systemClock */
  readonly clock?: Clock;
  /** An outer signal; aborting it aborts the call and rejects with its reason. @default undefined */
  readonly signal?: AbortSignal;
  /** Message of the TimeoutError. @default `timed out after ${ms} ms` */
  readonly message?: string;
}

/**
 * Runs `fn` with a signal that aborts after `ms`. Rejects with a {@link TimeoutError} (also the inner
 * signal's reason) when time runs out first, or with the outer signal's reason when that aborts first.
 * The timer and the outer listener are cleared on every path, and a late result or rejection of `fn`
 * is absorbed, never left unhandled. `ms` may be `Infinity` (no timer).
 * @example
 * const res = await withTimeout((signal) => fetch(url, { signal }), 15_000);
 */
export function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  ms: number,
  options: WithTimeoutOptions = {},
): Promise<T> {
  if (!(ms > 0)) return Promise.reject(new RangeError(`withTimeout: ms must be > 0, got ${ms}`));
  const { clock = systemClock, signal: outer } = options;
  if (outer?.aborted) return Promise.reject(outer.reason);
  const inner = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!settle()) return;
      inner.abort(outer?.reason);
      reject(outer?.reason);
    };
    if (Number.isFinite(ms)) {
      // Referenced: the caller is awaiting this deadline, so it must hold the process open like any
      // awaited timer (the clock's background timers are unref'd).
      timer = clock.setTimeout(
        () => {
          if (!settle()) return;
          const error = new TimeoutError(options.message ?? `timed out after ${ms} ms`);
          inner.abort(error);
          reject(error);
        },
        ms,
        { ref: true },
      );
    }
    outer?.addEventListener('abort', onAbort, { once: true });
    let pending: Promise<T>;
    try {
      pending = Promise.resolve(fn(inner.signal));
    } catch (error) {
      if (settle()) reject(error);
      return;
    }
    pending.then(
      (value) => {
        if (settle()) resolve(value);
      },
      (error: unknown) => {
        if (settle()) reject(error);
      },
    );
  });
}
