/**
 * Optional shutdown hooks: on SIGTERM (and SIGINT) close within the deadline and then let the signal
 * do what it would have done; on `beforeExit` flush once. Listening to a signal replaces Node's default
 * of exiting, so the handler re-raises the signal once offpath is done, keeping the host's behaviour.
 * @module
 */

/** Installs the hooks; returns a function that removes them. */
export function installExitHooks(close: () => Promise<unknown>, flush: () => Promise<unknown>): () => void {
  let flushedBeforeExit = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    remove();
    void close().finally(() => {
      // With our listener gone, re-raising the signal applies the host's own handling (or the default).
      process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = (): void => {
    if (flushedBeforeExit) return;
    flushedBeforeExit = true;
    void flush();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  process.on('beforeExit', onBeforeExit);
  function remove(): void {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('beforeExit', onBeforeExit);
  }
  return remove;
}
