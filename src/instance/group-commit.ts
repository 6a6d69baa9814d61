/**
 * `persisted()`: waits until everything accepted so far has left the intake (routed to lanes, and so
 * journaled when the spool is durable), then commits the spool's write-behind once for every caller
 * waiting in the same turn, so a relay can answer 202 only for events that survive a kill -9.
 * @module
 */

/** What the commit needs to know. */
export interface GroupCommitDeps {
  /** Events still in the intake. */
  readonly intakeSize: () => number;
  /** Commits the spool's write-behind synchronously (no-op without a spool). */
  readonly commit: () => void;
}

/** Returns the `persisted()` function of an instance. */
export function groupCommit(deps: GroupCommitDeps): () => Promise<void> {
  let pending: Promise<void> | undefined;
  const run = async (): Promise<void> => {
    // The pipeline routes in slices on setImmediate; yield until its intake is empty.
    do await new Promise<void>((resolve) => setImmediate(resolve));
    while (deps.intakeSize() > 0);
    pending = undefined;
    deps.commit();
  };
  return () => {
    pending ??= run();
    return pending;
  };
}
