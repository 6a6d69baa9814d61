/**
 * A circuit breaker: stop calling a destination that keeps failing, probe it one call at a time after a
 * growing, jittered pause, and close again after enough successful probes.
 * @module
 */
import {
  type CircuitBreakerOptions,
  type CircuitGate,
  type CircuitStateChange,
  type ResolvedCircuitBreakerOptions,
  resolveCircuitBreakerOptions,
} from './circuit-breaker-options.js';
import { type CircuitBreakerSnapshot, validateSnapshot } from './circuit-breaker-snapshot.js';
import { CircuitOpenError } from './errors.js';
import type { CircuitState, ResilienceEvents } from './resilience-events.js';
import { TypedEmitter } from './typed-emitter.js';
import { assertNever } from './validate.js';

export {
  type CircuitBreakerOptions,
  type CircuitGate,
  type CircuitStateChange,
  circuitBreakerPresets,
} from './circuit-breaker-options.js';
export type { CircuitBreakerSnapshot } from './circuit-breaker-snapshot.js';
export type { CircuitState } from './resilience-events.js';

type Inner =
  | { readonly kind: 'closed'; failures: number }
  | { readonly kind: 'open'; readonly openedAt: number; readonly until: number }
  | { readonly kind: 'half-open'; successes: number; probeStartedAt: number | undefined };

const ALLOWED: CircuitGate = Object.freeze({ allowed: true, probe: false });
const PROBE: CircuitGate = Object.freeze({ allowed: true, probe: true });

/**
 * Closed: calls flow and consecutive failures are counted. Open: calls are refused until the open period
 * ends. Half-open: exactly one probe call at a time; a failed probe re-opens for a longer period, and
 * `halfOpenSuccessThreshold` successful probes in a row close the breaker and reset the period.
 * @example
 * const breaker = new CircuitBreaker(circuitBreakerPresets.strict);
 * const grant = breaker.acquire();
 * if (!grant.allowed) return retryLater(grant.retryAfterMs);
 * const ok = await send();
 * ok ? breaker.onSuccess() : breaker.onFailure();
 */
export class CircuitBreaker {
  readonly #o: ResolvedCircuitBreakerOptions;
  readonly #events: TypedEmitter<ResilienceEvents> | undefined;
  readonly #destination: string | undefined;
  readonly #changes: TypedEmitter<{ change: CircuitStateChange }>;
  #inner: Inner;
  #trips: number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#o = resolveCircuitBreakerOptions(options);
    this.#events = options.events;
    this.#destination = options.destination;
    const onListenerError = options.onListenerError;
    this.#changes = new TypedEmitter(onListenerError ? { onListenerError: (e) => onListenerError(e) } : {});
    const initial = options.initial === undefined ? undefined : validateSnapshot(options.initial);
    this.#trips = initial?.trips ?? 0;
    this.#inner = fromSnapshot(initial);
  }

  /** The current state; an open breaker whose period has passed reports (and becomes) half-open. */
  get state(): CircuitState {
    return this.#current(this.#o.clock.now()).kind;
  }

  /**
   * Asks to make one call. Refused while open (with the time until half-open) and, in half-open, while
   * another probe is in flight. Every allowed call must be followed by {@link onSuccess},
   * {@link onFailure} or, if it did not happen, {@link releaseProbe}.
   */
  acquire(): CircuitGate {
    const now = this.#o.clock.now();
    const s = this.#current(now);
    switch (s.kind) {
      case 'closed':
        return ALLOWED;
      case 'open':
        return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(s.until - now)), reason: 'open' };
      case 'half-open':
        if (this.#probeBusy(s, now)) {
          return { allowed: false, retryAfterMs: this.#probeBusyRetryMs(), reason: 'half-open' };
        }
        s.probeStartedAt = now;
        return PROBE;
      default:
        return assertNever(s);
    }
  }

  /**
   * Milliseconds until {@link acquire} could allow a call (0: now), without taking a probe slot: the
   * rest of the open period, or the refusal hint while a probe is in flight.
   */
  waitMs(): number {
    const now = this.#o.clock.now();
    const s = this.#current(now);
    switch (s.kind) {
      case 'closed':
        return 0;
      case 'open':
        return Math.max(1, Math.ceil(s.until - now));
      case 'half-open':
        return this.#probeBusy(s, now) ? this.#probeBusyRetryMs() : 0;
      default:
        return assertNever(s);
    }
  }

  /** Reports that an allowed call succeeded. */
  onSuccess(): void {
    const s = this.#current(this.#o.clock.now());
    switch (s.kind) {
      case 'closed':
        s.failures = 0;
        return;
      case 'open':
        // The late outcome of a call allowed before the trip says nothing about recovery.
        return;
      case 'half-open':
        if (s.probeStartedAt === undefined) return;
        s.probeStartedAt = undefined;
        s.successes++;
        if (s.successes >= this.#o.halfOpenSuccessThreshold) {
          this.#trips = 0;
          this.#moveTo({ kind: 'closed', failures: 0 }, 'probes succeeded');
        }
        return;
      default:
        assertNever(s);
    }
  }

  /** Reports that an allowed call failed. */
  onFailure(): void {
    const s = this.#current(this.#o.clock.now());
    switch (s.kind) {
      case 'closed':
        s.failures++;
        if (s.failures >= this.#o.failureThreshold) this.#trip(`${s.failures} consecutive failures`);
        return;
      case 'open':
        return;
      case 'half-open':
        if (s.probeStartedAt !== undefined) this.#trip('probe failed');
        return;
      default:
        assertNever(s);
    }
  }

  /** Gives the probe slot back when an allowed probe call did not happen after all. */
  releaseProbe(): void {
    const s = this.#inner;
    if (s.kind === 'half-open') s.probeStartedAt = undefined;
  }

  /** Closes the breaker and forgets past trips. */
  reset(): void {
    this.#trips = 0;
    if (this.#inner.kind !== 'closed') this.#moveTo({ kind: 'closed', failures: 0 }, 'reset');
    else this.#inner.failures = 0;
  }

  /**
   * Standalone use: runs `fn` if the breaker allows it and records the outcome. Throws
   * {@link CircuitOpenError} (with `retryAfterMs`) when refused. A call aborted by `signal` is not
   * counted either way.
   * @example
   * const body = await breaker.execute((signal) => fetch(url, { signal }).then((r) => r.text()));
   */
  async execute<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const grant = this.acquire();
    if (!grant.allowed) {
      throw new CircuitOpenError(`circuit ${grant.reason}: retry in ${grant.retryAfterMs} ms`, {
        retryAfterMs: grant.retryAfterMs,
      });
    }
    let result: T;
    try {
      result = await fn(signal ?? new AbortController().signal);
    } catch (error) {
      if (signal?.aborted) {
        if (grant.probe) this.releaseProbe();
      } else if (this.#o.isFailure(error)) {
        this.onFailure();
      } else {
        this.onSuccess();
      }
      throw error;
    }
    this.onSuccess();
    return result;
  }

  /** Calls `listener` on every state change until the returned function is called. */
  subscribe(listener: (change: CircuitStateChange) => void): () => void {
    return this.#changes.on('change', listener);
  }

  /** The state as plain JSON, to restore later through the `initial` option. */
  snapshot(): CircuitBreakerSnapshot {
    const s = this.#current(this.#o.clock.now());
    const trips = this.#trips;
    switch (s.kind) {
      case 'closed':
        return { version: 1, state: 'closed', failures: s.failures, trips };
      case 'open':
        return { version: 1, state: 'open', openedAt: s.openedAt, until: s.until, trips };
      case 'half-open':
        return { version: 1, state: 'half-open', successes: s.successes, trips };
      default:
        return assertNever(s);
    }
  }

  #probeBusy(s: Inner & { kind: 'half-open' }, now: number): boolean {
    return s.probeStartedAt !== undefined && now - s.probeStartedAt < this.#o.probeTimeoutMs;
  }

  // While a probe is out its outcome decides; callers are told to come back soon, not to spin.
  #probeBusyRetryMs(): number {
    return Math.min(1000, this.#o.recoveryTimeoutMs);
  }

  /** The open period for the current trip count: grown, capped, then jittered (never above the cap). */
  #openPeriodMs(): number {
    const grown = this.#o.recoveryTimeoutMs * this.#o.recoveryMultiplier ** Math.max(0, this.#trips - 1);
    const base = Math.min(this.#o.maxRecoveryTimeoutMs, grown);
    const jittered = base * (1 + this.#o.jitterRatio * (2 * this.#o.random() - 1));
    return Math.min(this.#o.maxRecoveryTimeoutMs, Math.max(0, jittered));
  }

  #trip(reason: string): void {
    this.#trips++;
    const now = this.#o.clock.now();
    this.#moveTo({ kind: 'open', openedAt: now, until: now + this.#openPeriodMs() }, reason);
  }

  #current(now: number): Inner {
    const s = this.#inner;
    if (s.kind === 'open' && now >= s.until) {
      this.#moveTo({ kind: 'half-open', successes: 0, probeStartedAt: undefined }, 'open period over');
    }
    return this.#inner;
  }

  #moveTo(next: Inner, reason: string): void {
    const from = this.#inner.kind;
    this.#inner = next;
    const at = this.#o.clock.now();
    if (this.#changes.hasListeners('change'))
      this.#changes.emit('change', { from, to: next.kind, at, reason });
    if (this.#events?.hasListeners('circuit-state')) {
      this.#events.emit('circuit-state', { destination: this.#destination, from, to: next.kind, at });
    }
  }
}

function fromSnapshot(s: CircuitBreakerSnapshot | undefined): Inner {
  if (s === undefined) return { kind: 'closed', failures: 0 };
  switch (s.state) {
    case 'closed':
      return { kind: 'closed', failures: s.failures };
    case 'open':
      return { kind: 'open', openedAt: s.openedAt, until: s.until };
    case 'half-open':
      return { kind: 'half-open', successes: s.successes, probeStartedAt: undefined };
    default:
      return assertNever(s);
  }
}
