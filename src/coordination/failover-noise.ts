/**
 * The noise store a coordinated lane uses: shared windows on Redis while Redis answers, the local
 * store while it does not. A window claimed on one side is closed on the side that answers then; if
 * Redis went away in between, what the other processes contributed to it is not recoverable and the
 * owner's digest counts its own repeats only (each process counted what it merged, so the ledger of
 * every process stays exact).
 * @module
 */
import { LocalNoise, merge } from './local-noise.js';
import type { NoiseClaim, NoiseTally, SharedNoise } from './ports.js';
import type { RedisConnection, RunResult } from './redis/connection.js';
import type { RedisNoiseStore } from './redis/noise-store.js';

export class FailoverNoise implements SharedNoise {
  readonly #redis: RedisNoiseStore;
  readonly #local = new LocalNoise();
  readonly #connection: RedisConnection;
  readonly #onError: (error: unknown) => void;

  constructor(
    redis: RedisNoiseStore,
    connection: RedisConnection,
    onError: (error: unknown) => void = () => {},
  ) {
    this.#redis = redis;
    this.#connection = connection;
    this.#onError = onError;
  }

  async claim(
    fingerprints: readonly string[],
    cooldownMs: number,
    now: number,
  ): Promise<readonly NoiseClaim[]> {
    const r = await this.#shared(() => this.#redis.claim(fingerprints, cooldownMs, now));
    return r.ok ? r.value : this.#local.claim(fingerprints, cooldownMs, now);
  }

  async contribute(fingerprint: string, tally: NoiseTally): Promise<boolean> {
    const r = await this.#shared(() => this.#redis.contribute(fingerprint, tally));
    return r.ok ? r.value : this.#local.contribute(fingerprint, tally);
  }

  /** Closes the window on both sides: one claimed during an outage lives in the local store. */
  async close(fingerprint: string): Promise<NoiseTally | undefined> {
    const local = await this.#local.close(fingerprint);
    const r = await this.#shared(() => this.#redis.close(fingerprint));
    const shared = r.ok ? r.value : undefined;
    return shared && local ? merge(shared, local) : (shared ?? local);
  }

  async #shared<T>(call: () => Promise<RunResult<T>>): Promise<RunResult<T>> {
    if (!this.#connection.up) return { ok: false };
    try {
      return await call();
    } catch (error) {
      this.#onError(error);
      return { ok: false };
    }
  }
}
