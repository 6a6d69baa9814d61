/**
 * The hand-off between `emit()` and the lanes: a fixed-size ring of (event, time) pairs. Pushing is
 * O(1) and allocates nothing, which keeps `emit()` within its budget.
 * @module
 */
export class Intake {
  readonly capacity: number;
  readonly #events: unknown[];
  readonly #times: Float64Array;
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#events = new Array(capacity);
    this.#times = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** False when full. */
  push(event: unknown, time: number): boolean {
    if (this.#size === this.capacity) return false;
    const i = (this.#head + this.#size) % this.capacity;
    this.#events[i] = event;
    this.#times[i] = time;
    this.#size++;
    return true;
  }

  /** Time of the event {@link shift} would return next. */
  peekTime(): number {
    return this.#times[this.#head] ?? 0;
  }

  shift(): unknown {
    const event = this.#events[this.#head];
    this.#events[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return event;
  }
}
