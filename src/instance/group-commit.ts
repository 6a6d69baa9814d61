/**
 * `persisted()`: waits until the events accepted before the call have left the intake (routed to
 * lanes, and so journaled when the spool is durable), then commits the spool's write-behind once for
 * every caller that became ready in the same turn. A relay can then answer 202 only for events that
 * survive a kill -9. A caller waits for its own events only, never for those accepted after it.
 * @module
 */

/** What the commit needs to know. */
export interface GroupCommitDeps {
  /** Events accepted by `emit()` so far. */
  readonly accepted: () => number;
  /** Of those, how many have left the intake (the intake is first in, first out). */
  readonly routed: () => number;
  /** Commits the spool's write-behind synchronously (no-op without a spool). */
  readonly commit: () => void;
}

interface Waiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Returns the `persisted()` function of an instance. */
export function groupCommit(deps: GroupCommitDeps): () => Promise<void> {
  let waiters: Waiter[] = [];
  let scheduled = false;
  const tick = (): void => {
    scheduled = false;
    const routed = deps.routed();
    const ready = waiters.filter((w) => w.target <= routed);
    if (ready.length > 0) {
      waiters = waiters.filter((w) => w.target > routed);
      try {
        deps.commit();
        for (const w of ready) w.resolve();
      } catch (error) {
        for (const w of ready) w.reject(error);
      }
    }
    schedule();
  };
  // The pipeline routes in slices on setImmediate; check again after each turn.
  const schedule = (): void => {
    if (scheduled || waiters.length === 0) return;
    scheduled = true;
    setImmediate(tick);
  };
  return () =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ target: deps.accepted(), resolve, reject });
      schedule();
    });
}
