/**
 * Callers waiting for a lane to have nothing left to send, each until then or until its signal aborts.
 * @module
 */
export class IdleWaiters {
  readonly #waiting: Array<() => void> = [];

  /** Resolves at the next {@link release}, or when `signal` aborts. */
  wait(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      this.#waiting.push(done);
    });
  }

  /** Resolves everyone waiting, when `idle` says so. */
  release(idle: () => boolean): void {
    if (this.#waiting.length > 0 && idle()) for (const done of this.#waiting.splice(0)) done();
  }
}
