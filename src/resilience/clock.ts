/**
 * Time as a dependency. Every primitive and the pipeline take a `Clock` so tests can drive time by hand
 * (see `ManualClock` in `offpath/testing`) instead of faking globals.
 * @module
 */

/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = { readonly __timer: true } | object;

/** The source of time and timers used by offpath. */
export interface Clock {
  /** Milliseconds since the epoch (may be fractional). */
  now(): number;
  /**
   * Runs `fn` after `ms` milliseconds. Background timers must never keep the process alive, so the
   * system clock unrefs them unless `ref` is set: a wait that a caller is awaiting (a retry sleep, a
   * flush deadline) must hold the process open, or an otherwise idle script would exit mid-wait.
   */
  setTimeout(fn: () => void, ms: number, options?: { ref?: boolean }): TimerHandle;
  /** Cancels a timer created by {@link Clock.setTimeout}; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now()` and unref'd Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms, options) {
    const t = setTimeout(fn, Math.max(0, ms));
    if (!options?.ref) t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/**
 * Resolves after `ms` on the given clock, or rejects with the signal's reason when aborted.
 * Used only at the edges (CLI, pipeline scheduling); primitives answer "wait N ms" instead of sleeping.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      ms,
      { ref: true },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
