/**
 * Which emit-journal runs are alive. A run's segments must not be recovered while it still writes
 * them: another instance in this process, or another process on the same spool (`offpath dlq replay`
 * while the app runs).
 * @module
 */

const openHere = new Set<string>();

/** Marks a run as open in this process, or no longer. */
export function markRunOpen(run: string, open: boolean): void {
  if (open) openHere.add(run);
  else openHere.delete(run);
}

/**
 * Whether the run that wrote a segment may still be writing it. A run of this very process id that
 * is not open here belongs to an earlier incarnation (a container restarted under the same pid).
 */
export function isRunAlive(run: string, pid: number, isAlive: (pid: number) => boolean): boolean {
  if (openHere.has(run)) return true;
  return pid !== process.pid && isAlive(pid);
}

/** Whether a process with this id exists (EPERM: it exists but belongs to another user). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
