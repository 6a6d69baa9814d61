/**
 * Diagnostics-channel subscribers run inside the app's own calls: one that threw would throw into
 * the app. Every source wraps its subscribers with this, so its failures go to its `onError`.
 * @module
 */

/** Wraps a channel subscriber so that it never throws; failures go to `onError`. */
export function guardSubscriber(
  onError: ((error: unknown) => void) | undefined,
): <T>(fn: (message: T) => void) => (message: unknown) => void {
  return (fn) => (message) => {
    try {
      fn(message as Parameters<typeof fn>[0]);
    } catch (error) {
      onError?.(error);
    }
  };
}
