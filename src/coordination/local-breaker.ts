/**
 * The in-process circuit behind {@link SharedBreaker}: today's `CircuitBreaker` plus the "gone" flag a
 * lane already keeps. Used when coordination has no Redis, and while Redis is unreachable.
 * @module
 */
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitGate,
  type CircuitState,
} from '../resilience/circuit-breaker.js';
import { TypedEmitter } from '../resilience/typed-emitter.js';
import type { SharedBreaker } from './ports.js';

export class LocalBreaker implements SharedBreaker {
  readonly #breaker: CircuitBreaker;
  readonly #changes = new TypedEmitter<{ change: null }>();
  #gone: string | undefined;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#breaker = new CircuitBreaker(options);
    this.#breaker.subscribe(() => this.#notify());
  }

  get state(): CircuitState {
    return this.#breaker.state;
  }

  get gone(): string | undefined {
    return this.#gone;
  }

  acquire(): CircuitGate {
    return this.#breaker.acquire();
  }

  waitMs(): number {
    return this.#breaker.waitMs();
  }

  onSuccess(): void {
    this.#breaker.onSuccess();
  }

  onFailure(): void {
    this.#breaker.onFailure();
  }

  releaseProbe(): void {
    this.#breaker.releaseProbe();
  }

  markGone(reason: string): void {
    if (this.#gone !== undefined) return;
    this.#gone = reason;
    this.#notify();
  }

  reset(): void {
    this.#gone = undefined;
    this.#breaker.reset();
    this.#notify();
  }

  subscribe(listener: () => void): () => void {
    return this.#changes.on('change', listener);
  }

  #notify(): void {
    this.#changes.emit('change', null);
  }
}
