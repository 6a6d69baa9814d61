/**
 * The shared circuit behind a lane's synchronous breaker seam (`acquire`, `waitMs`, `onSuccess`,
 * `onFailure`, `releaseProbe`: what `CircuitBreaker` offers). Closed and open are answered at once
 * from what this process knows; only the half-open probe lease takes a round trip. While it is out,
 * the lane is refused for a moment; the answer (the probe, or a refusal) wakes it and is held for it.
 * @module
 */
import type { CircuitGate, CircuitState, CircuitStateChange } from '../resilience/circuit-breaker.js';
import type { Clock } from '../resilience/clock.js';
import { TypedEmitter } from '../resilience/typed-emitter.js';
import type { SharedBreaker } from './ports.js';

/** How long the lane is told to wait while the lease is being asked for; the answer wakes it sooner. */
const ASKING_MS = 50;
const ASKING: CircuitGate = Object.freeze({ allowed: false, retryAfterMs: ASKING_MS, reason: 'half-open' });

export class ReservingBreaker {
  readonly #shared: SharedBreaker;
  readonly #clock: Clock;
  readonly #changes = new TypedEmitter<{ change: CircuitStateChange }>();
  #last: CircuitState;
  readonly #off: () => void;
  #wake: () => void = () => {};
  #held: CircuitGate | undefined;
  #asking = false;
  /** Whether the send in flight went out as this process's probe. */
  #probeOut = false;

  constructor(shared: SharedBreaker, clock: Clock) {
    this.#shared = shared;
    this.#clock = clock;
    this.#last = shared.state;
    this.#off = shared.subscribe(() => this.#observe());
  }

  /** Stops following the shared circuit (the lane was retired); a probe still held goes back. */
  close(): void {
    this.#off();
    this.releaseProbe();
    this.#wake = () => {};
  }

  /**
   * Calls `listener` on every change of the circuit, whichever process caused it (as
   * `CircuitBreaker.subscribe` does for a local one).
   */
  subscribe(listener: (change: CircuitStateChange) => void): () => void {
    return this.#changes.on('change', listener);
  }

  /** Called when a lease answer lands, so the lane runs again (its `pump`). */
  onDecision(wake: () => void): void {
    this.#wake = wake;
  }

  get state(): CircuitState {
    return this.#shared.state;
  }

  acquire(): CircuitGate {
    const held = this.#held;
    if (held) {
      this.#held = undefined;
      return this.#grant(held);
    }
    if (this.#asking) return ASKING;
    const answer = this.#shared.acquire();
    if (!isPromise(answer)) return this.#grant(answer);
    this.#asking = true;
    answer.then(
      (gate) => {
        this.#asking = false;
        // Only a grant is worth holding: a refusal is asked again when the lane comes back.
        if (gate.allowed) this.#held = gate;
        this.#wake();
      },
      () => {
        this.#asking = false;
        this.#wake();
      },
    );
    return ASKING;
  }

  waitMs(): number {
    if (this.#held) return 0;
    if (this.#asking) return ASKING_MS;
    return this.#shared.waitMs();
  }

  onSuccess(): void {
    this.#shared.onSuccess(this.#takeProbe());
  }

  onFailure(): void {
    this.#shared.onFailure(this.#takeProbe());
  }

  releaseProbe(): void {
    if (this.#takeProbe()) this.#shared.releaseProbe();
  }

  #observe(): void {
    const to = this.#shared.state;
    const from = this.#last;
    if (to === from) return;
    this.#last = to;
    if (this.#changes.hasListeners('change'))
      this.#changes.emit('change', { from, to, at: this.#clock.now() });
  }

  #grant(gate: CircuitGate): CircuitGate {
    if (gate.allowed && gate.probe) this.#probeOut = true;
    return gate;
  }

  #takeProbe(): boolean {
    const probe = this.#probeOut;
    this.#probeOut = false;
    return probe;
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}
