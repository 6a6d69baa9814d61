/**
 * The circuit a coordinated lane uses. While Redis answers, the circuit is the group's: a trip in one
 * process opens it in all, exactly one process at a time holds the half-open probe lease and the
 * others wait for its verdict, and a destination found gone is disabled everywhere. Closed costs no
 * round trip: this process keeps a mirror of the shared state, refreshed by the change announcements
 * (and re-read whenever the connection comes back). While Redis is away the local breaker decides.
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  type CircuitBreakerOptions,
  type CircuitGate,
  type CircuitState,
  circuitBreakerPresets,
} from '../resilience/circuit-breaker.js';
import { resolveCircuitBreakerOptions } from '../resilience/circuit-breaker-options.js';
import { TypedEmitter } from '../resilience/typed-emitter.js';
import { LocalBreaker } from './local-breaker.js';
import type { SharedBreaker } from './ports.js';
import { BreakerLease, CIRCUIT_CHANNEL, type SharedCircuitState } from './redis/breaker-lease.js';
import type { RedisConnection, RunResult } from './redis/connection.js';

const ALLOWED: CircuitGate = Object.freeze({ allowed: true, probe: false });
const PROBE: CircuitGate = Object.freeze({ allowed: true, probe: true });

export class FailoverBreaker implements SharedBreaker {
  readonly #connection: RedisConnection;
  readonly #lease: BreakerLease;
  readonly #local: LocalBreaker;
  readonly #o: ReturnType<typeof resolveCircuitBreakerOptions>;
  readonly #owner = randomUUID().slice(0, 12);
  readonly #changes = new TypedEmitter<{ change: null }>();
  readonly #offs: Array<() => void> = [];
  readonly #onError: (error: unknown) => void;
  #mirror: SharedCircuitState = { state: 'closed', until: 0 };
  #gone: string | undefined;
  /** Whether Redis holds our gone flag: then its absence there means someone re-enabled the destination. */
  #goneShared = false;
  #failures = 0;
  #probing = false;
  /** Bumped by every reset, so a read that was out before it cannot bring back what it cleared. */
  #epoch = 0;

  /**
   * @param key the destination's shared name (`limiterPlan(...).key`)
   * @param options the destination's breaker options, as for `CircuitBreaker`
   */
  constructor(
    connection: RedisConnection,
    key: string,
    options: CircuitBreakerOptions = circuitBreakerPresets.defaults,
    onError: (error: unknown) => void = () => {},
  ) {
    this.#connection = connection;
    this.#o = resolveCircuitBreakerOptions(options);
    this.#local = new LocalBreaker(options);
    this.#lease = new BreakerLease(connection, key, this.#o);
    this.#onError = onError;
    this.#offs.push(
      this.#local.subscribe(() => this.#notify()),
      connection.subscribe(CIRCUIT_CHANNEL, (message) => this.#announced(message)),
      connection.on('up', () => void this.#rejoin()),
      connection.on('subscribed', () => void this.#refresh()),
    );
    if (connection.up) void this.#refresh();
  }

  get state(): CircuitState {
    if (!this.#connection.up) return this.#local.state;
    const { state, until } = this.#mirror;
    return state === 'open' && this.#o.clock.now() >= until ? 'half-open' : state;
  }

  get gone(): string | undefined {
    return this.#gone;
  }

  acquire(): CircuitGate | Promise<CircuitGate> {
    if (!this.#connection.up) return this.#local.acquire();
    const now = this.#o.clock.now();
    const { state, until } = this.#mirror;
    if (state === 'closed') return ALLOWED;
    if (state === 'open' && now < until) return refused('open', until - now);
    if (this.#probing) return refused('half-open', this.#busyRetryMs());
    return this.#askLease(now);
  }

  waitMs(): number {
    if (!this.#connection.up) return this.#local.waitMs();
    const { state, until } = this.#mirror;
    if (state === 'closed') return 0;
    const now = this.#o.clock.now();
    if (state === 'open' && now < until) return Math.max(1, Math.ceil(until - now));
    return this.#probing ? this.#busyRetryMs() : 0;
  }

  async #askLease(now: number): Promise<CircuitGate> {
    try {
      const answer = await this.#lease.probe(now, this.#owner, this.#o.probeTimeoutMs);
      if (!answer.ok) return this.#local.acquire();
      switch (answer.value.kind) {
        case 'closed':
          this.#setMirror({ state: 'closed', until: 0 });
          return ALLOWED;
        case 'open':
          this.#setMirror({ state: 'open', until: answer.value.until });
          return refused('open', answer.value.until - now);
        case 'probe':
          this.#probing = true;
          this.#setMirror({ state: 'half-open', until: 0 });
          return PROBE;
        case 'busy':
          this.#setMirror({ state: 'half-open', until: 0 });
          return refused('half-open', Math.min(this.#busyRetryMs(), answer.value.retryAfterMs));
      }
    } catch (error) {
      this.#onError(error);
      return this.#local.acquire();
    }
  }

  onSuccess(probe: boolean): void {
    this.#local.onSuccess();
    if (probe && this.#probing) {
      this.#probing = false;
      void this.#verdict(true);
      return;
    }
    this.#failures = 0;
  }

  onFailure(probe: boolean): void {
    this.#local.onFailure();
    if (probe && this.#probing) {
      this.#probing = false;
      void this.#verdict(false);
      return;
    }
    if (this.#mirror.state !== 'closed' || !this.#connection.up) return;
    this.#failures++;
    if (this.#failures < this.#o.failureThreshold) return;
    this.#failures = 0;
    void this.#settle(this.#lease.trip(this.#o.clock.now(), this.#jitter()));
  }

  releaseProbe(): void {
    this.#local.releaseProbe();
    if (!this.#probing) return;
    this.#probing = false;
    this.#lease.release(this.#owner).catch((error: unknown) => this.#onError(error));
  }

  markGone(reason: string): void {
    if (this.#gone !== undefined) return;
    this.#gone = reason;
    void this.#shareGone(reason);
    this.#notify();
  }

  reset(): void {
    this.#epoch++;
    this.#gone = undefined;
    this.#goneShared = false;
    this.#failures = 0;
    this.#local.reset();
    this.#setMirror({ state: 'closed', until: 0 });
    this.#lease.reset().catch((error: unknown) => this.#onError(error));
    this.#notify();
  }

  subscribe(listener: () => void): () => void {
    return this.#changes.on('change', listener);
  }

  /** Stops listening for announcements. */
  close(): void {
    for (const off of this.#offs.splice(0)) off();
  }

  async #verdict(ok: boolean): Promise<void> {
    const now = this.#o.clock.now();
    await this.#settle(
      this.#lease.verdict(now, this.#owner, ok, this.#o.halfOpenSuccessThreshold, this.#jitter()),
    );
  }

  /** Takes the state a script answered as the new mirror (a stale verdict answers nothing). */
  async #settle(pending: Promise<RunResult<SharedCircuitState | undefined>>): Promise<void> {
    try {
      const r = await pending;
      if (r.ok && r.value) this.#setMirror(r.value);
    } catch (error) {
      this.#onError(error);
    }
  }

  async #shareGone(reason: string): Promise<void> {
    try {
      if (await this.#lease.markGone(reason)) this.#goneShared = true;
    } catch (error) {
      this.#onError(error);
    }
  }

  #announced(message: string): void {
    const [key, what] = message.split('\n');
    if (key !== this.#lease.key) return;
    if (what === 'reset') {
      this.#epoch++;
      this.#gone = undefined;
      this.#goneShared = false;
      this.#local.reset();
      this.#notify();
    }
    void this.#refresh();
  }

  /** Announcements sent while the connection was away were missed: read the state again. */
  async #rejoin(): Promise<void> {
    // A destination found gone while Redis was away is announced now, so the others learn it too.
    if (this.#gone !== undefined && !this.#goneShared) await this.#shareGone(this.#gone);
    await this.#refresh();
  }

  async #refresh(): Promise<void> {
    const epoch = this.#epoch;
    try {
      const r = await this.#lease.read();
      if (!r.ok || epoch !== this.#epoch) return;
      const { gone, ...circuit } = r.value;
      if (gone !== undefined && this.#gone === undefined) {
        this.#gone = gone;
        this.#goneShared = true;
        this.#notify();
      } else if (gone === undefined && this.#goneShared) {
        // Re-enabled elsewhere while we were not listening (the announcement was missed).
        this.#gone = undefined;
        this.#goneShared = false;
        this.#notify();
      } else if (gone !== undefined) this.#goneShared = true;
      this.#setMirror(circuit);
    } catch (error) {
      this.#onError(error);
    }
  }

  #setMirror(next: SharedCircuitState): void {
    const before = this.#mirror;
    this.#mirror = next;
    if (before.state !== next.state || before.until !== next.until) this.#notify();
  }

  #jitter(): number {
    return 1 + this.#o.jitterRatio * (2 * this.#o.random() - 1);
  }

  // While another process probes, its verdict decides: come back soon, but do not spin.
  #busyRetryMs(): number {
    return Math.min(1_000, this.#o.recoveryTimeoutMs);
  }

  #notify(): void {
    this.#changes.emit('change', null);
  }
}

function refused(reason: 'open' | 'half-open', ms: number): CircuitGate {
  return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(ms)), reason };
}
