/**
 * A tiny, typed, synchronous event emitter that can never hurt its caller.
 * @module
 */

/** Options of {@link TypedEmitter}. */
export interface TypedEmitterOptions {
  /**
   * Receives what a listener threw (or the rejection of a promise it returned). It is called with the
   * event type so the owner can label the report. Errors thrown by this handler are ignored.
   * @default undefined (listener errors are ignored)
   */
  readonly onListenerError?: (error: unknown, type: string) => void;
}

interface Registration {
  readonly fn: (payload: never) => unknown;
  readonly once: boolean;
}

const EMPTY: readonly Registration[] = Object.freeze([]);

/**
 * A typed emitter keyed by event name; `Events` maps each name to its payload type (an interface or a
 * type alias).
 *
 * Emitting to a type nobody listens to costs one map lookup; callers on hot paths should still check
 * {@link hasListeners} before building a payload. Listeners run synchronously in registration order;
 * a listener that throws (or returns a rejected promise) is reported to `onListenerError` and never
 * stops the other listeners or the emitter's caller.
 * @example
 * type Events = { sent: { id: string }; dropped: { reason: string } };
 * const events = new TypedEmitter<Events>();
 * const off = events.on('sent', ({ id }) => console.log('sent', id));
 * if (events.hasListeners('sent')) events.emit('sent', { id: 'a1' });
 * off();
 */
export class TypedEmitter<Events extends { [K in keyof Events]: unknown }> {
  // Arrays are replaced, never mutated, so `emit` can iterate the current array without copying it even
  // when a listener unsubscribes (or subscribes) while the event is being delivered.
  #listeners = new Map<keyof Events, readonly Registration[]>();
  readonly #onListenerError: ((error: unknown, type: string) => void) | undefined;

  /** @param options options, or the `onListenerError` handler alone */
  constructor(options: TypedEmitterOptions | ((error: unknown, type: string) => void) = {}) {
    this.#onListenerError = typeof options === 'function' ? options : options.onListenerError;
  }

  /** Calls `listener` on every `type` event until the returned function is called. */
  on<K extends keyof Events>(type: K, listener: (payload: Events[K]) => void): () => void {
    return this.#add(type, { fn: listener, once: false });
  }

  /** Calls `listener` on the next `type` event only. The returned function cancels it. */
  once<K extends keyof Events>(type: K, listener: (payload: Events[K]) => void): () => void {
    return this.#add(type, { fn: listener, once: true });
  }

  /** True when at least one listener waits for `type`. */
  hasListeners<K extends keyof Events>(type: K): boolean {
    return this.#listeners.has(type);
  }

  /** Number of listeners waiting for `type`. */
  listenerCount<K extends keyof Events>(type: K): number {
    return this.#listeners.get(type)?.length ?? 0;
  }

  /** Delivers `payload` to every listener of `type`, synchronously. Never throws. */
  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    const list = this.#listeners.get(type);
    if (list === undefined) return;
    for (const reg of list) {
      if (reg.once) this.#remove(type, reg);
      try {
        const result = (reg.fn as (p: Events[K]) => unknown)(payload);
        if (isThenable(result)) {
          result.then(undefined, (error: unknown) => this.#report(error, type));
        }
      } catch (error) {
        this.#report(error, type);
      }
    }
  }

  /** Removes every listener, of one type or of all types. */
  removeAllListeners<K extends keyof Events>(type?: K): void {
    if (type === undefined) this.#listeners.clear();
    else this.#listeners.delete(type);
  }

  #add(type: keyof Events, reg: Registration): () => void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? EMPTY), reg]);
    return () => this.#remove(type, reg);
  }

  #remove(type: keyof Events, reg: Registration): void {
    const list = this.#listeners.get(type);
    if (list === undefined || !list.includes(reg)) return;
    const next = list.filter((r) => r !== reg);
    if (next.length === 0) this.#listeners.delete(type);
    else this.#listeners.set(type, next);
  }

  #report(error: unknown, type: keyof Events): void {
    if (this.#onListenerError === undefined) return;
    try {
      this.#onListenerError(error, String(type));
    } catch {
      // The error handler itself failed; there is nobody left to tell without risking the caller.
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
