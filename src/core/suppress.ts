/**
 * Self-suppression: traffic that offpath sends must never be captured again, or a Discord POST seen by
 * the fetch source would loop back into the pipeline. Sinks send inside {@link runSuppressed}; sources
 * skip anything for which {@link isSuppressed} is true.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<true>();

/** Runs `fn` (and everything asynchronous it starts) in the suppressed scope. */
export function runSuppressed<T>(fn: () => T): T {
  return scope.run(true, fn);
}

/** True inside {@link runSuppressed}. Cheap enough for a capture hook. */
export function isSuppressed(): boolean {
  return scope.getStore() === true;
}
