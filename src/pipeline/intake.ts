/**
 * The hand-off between `emit()` and the lanes: (event, time) pairs in fixed-size chunks. Pushing is
 * O(1) and copies nothing: a chunk is taken once per {@link CHUNK} events, from a small pool of spare
 * chunks when there is one, so a steady flow allocates nothing and a synchronous burst of any size up
 * to the capacity is accepted (a fixed ring sized for the largest burst would hold that memory for
 * good; a growing one would copy on the caller's stack).
 * @module
 */

/** Events per chunk. */
const CHUNK = 1_024;
/** Spare chunks kept for the next burst; the rest are left to the garbage collector. */
const SPARES = 2;

interface Chunk {
  readonly events: unknown[];
  readonly times: Float64Array;
}

export class Intake {
  readonly #capacity: number;
  /** Chunks in order; reading happens in the first, writing in the last. */
  readonly #chunks: Chunk[] = [];
  readonly #spare: Chunk[] = [];
  /** The chunk written to (the last one), kept at hand for `push`. */
  #tail: Chunk | undefined;
  #read = 0;
  /** Write position in the last chunk; CHUNK when a new chunk is needed. */
  #write = CHUNK;
  #size = 0;

  /** @param capacity most events held at once */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Most events held at once. */
  get capacity(): number {
    return this.#capacity;
  }

  get size(): number {
    return this.#size;
  }

  /** False when full. */
  push(event: unknown, time: number): boolean {
    if (this.#size === this.#capacity) return false;
    let chunk = this.#tail;
    if (chunk === undefined || this.#write === CHUNK) {
      chunk = this.#spare.pop() ?? { events: new Array(CHUNK), times: new Float64Array(CHUNK) };
      this.#chunks.push(chunk);
      this.#tail = chunk;
      this.#write = 0;
    }
    chunk.events[this.#write] = event;
    chunk.times[this.#write] = time;
    this.#write++;
    this.#size++;
    return true;
  }

  /** Time of the event {@link shift} would return next. */
  peekTime(): number {
    return this.#chunks[0]?.times[this.#read] ?? 0;
  }

  /** The oldest event; only call while {@link size} > 0. */
  shift(): unknown {
    const chunk = this.#chunks[0]!;
    const event = chunk.events[this.#read];
    chunk.events[this.#read] = undefined;
    this.#read++;
    this.#size--;
    if (this.#size === 0) {
      // Empty, so reading has caught up with writing in the one chunk left: start it over.
      this.#read = 0;
      this.#write = 0;
    } else if (this.#read === CHUNK) {
      const done = this.#chunks.shift()!;
      if (this.#spare.length < SPARES) this.#spare.push(done);
      this.#read = 0;
    }
    return event;
  }
}
