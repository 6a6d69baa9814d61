/**
 * Diagnostics-channel subscribers run inside the app's own calls: one that threw would throw into
 * the app. Every source wraps its subscribers with this, so its failures go to its `onError` and to
 * the instance it is attached to.
 * @module
 */

/** One handler of a source's failures (its `onError` option, or the instance's reporter). */
type FailureHandler = ((error: unknown) => void) | undefined;

/** Tells every handler; one that throws stops neither the others nor the caller. */
export function tellFailure(handlers: readonly FailureHandler[]): (error: unknown) => void {
  return (error) => {
    for (const handler of handlers) {
      try {
        handler?.(error);
      } catch {
        // A failing error handler has nowhere left to report to.
      }
    }
  };
}

/** Wraps a channel subscriber so that it never throws; failures go to every handler. */
export function guardSubscriber(
  ...handlers: readonly FailureHandler[]
): <T>(fn: (message: T) => void) => (message: unknown) => void {
  const fail = tellFailure(handlers);
  return (fn) => (message) => {
    try {
      fn(message as Parameters<typeof fn>[0]);
    } catch (error) {
      fail(error);
    }
  };
}
