/**
 * A destination's circuit on Redis: one hash (`state`, `until`, `trips`, `successes`), the half-open
 * probe lease (`SET lease owner NX PX probeTimeoutMs`: one process probes, the others wait for its
 * verdict, and a prober that dies frees the lease when it expires) and the "gone" flag. Every change
 * is published on the `cb` channel with the destination's key, so other processes re-read it at once.
 * @module
 */
import type { CircuitState } from '../../resilience/circuit-breaker.js';
import type { RedisConnection, RunResult } from './connection.js';
import { RedisScript } from './script.js';

/** How long a destination stays marked gone without anyone re-enabling it. */
const GONE_TTL_MS = 7 * 24 * 3_600_000;

// Shared by TRIP and VERDICT: opens the circuit for the next period of the growing, capped schedule.
const OPEN = `
local function open(now, base, multiplier, maxPeriod, jitter)
  local trips = tonumber(redis.call('HGET', KEYS[1], 'trips') or '0') + 1
  local period = math.min(maxPeriod, base * multiplier ^ (trips - 1))
  period = math.min(maxPeriod, math.max(0, period * jitter))
  local untilAt = now + period
  redis.call('HSET', KEYS[1], 'state', 'open', 'until', untilAt, 'trips', trips, 'successes', 0)
  -- Kept past the open period so that the next trip still knows how many came before.
  redis.call('PEXPIRE', KEYS[1], math.ceil(period + maxPeriod))
  redis.call('DEL', KEYS[2])
  return untilAt
end
`;

/** KEYS hash, lease; ARGV now, base, multiplier, max, jitter, channel, key. Opens unless already open. */
const TRIP = new RedisScript(`${OPEN}
local now = tonumber(ARGV[1])
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'open' or state == 'half-open' then
  return { state, tonumber(redis.call('HGET', KEYS[1], 'until') or '0') }
end
local untilAt = open(now, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
redis.call('PUBLISH', ARGV[6], ARGV[7])
return { 'open', untilAt }
`);

/** KEYS hash, lease; ARGV now, owner, leaseMs. Answers closed, open (until), probe, or busy (ms left). */
const PROBE = new RedisScript(`
local now = tonumber(ARGV[1])
local state = redis.call('HGET', KEYS[1], 'state')
if not state or state == 'closed' then return { 'closed', 0 } end
local untilAt = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if state == 'open' and untilAt > now then return { 'open', untilAt } end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then
  redis.call('HSET', KEYS[1], 'state', 'half-open')
  return { 'probe', 0 }
end
return { 'busy', math.max(1, redis.call('PTTL', KEYS[2])) }
`);

/**
 * KEYS hash, lease; ARGV now, owner, ok, successThreshold, base, multiplier, max, jitter, channel, key.
 * Only the lease holder's verdict counts.
 */
const VERDICT = new RedisScript(`${OPEN}
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return { 'stale', 0 } end
redis.call('DEL', KEYS[2])
if ARGV[3] == '1' then
  local successes = redis.call('HINCRBY', KEYS[1], 'successes', 1)
  if successes >= tonumber(ARGV[4]) then
    redis.call('DEL', KEYS[1])
    redis.call('PUBLISH', ARGV[9], ARGV[10])
    return { 'closed', 0 }
  end
  return { 'half-open', 0 }
end
local untilAt = open(tonumber(ARGV[1]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]))
redis.call('PUBLISH', ARGV[9], ARGV[10])
return { 'open', untilAt }
`);

/** KEYS lease; ARGV owner. */
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** KEYS hash, gone. Returns state, until, gone reason (false when usable). */
const READ = new RedisScript(`
local s = redis.call('HMGET', KEYS[1], 'state', 'until')
return { s[1] or 'closed', tonumber(s[2] or '0'), redis.call('GET', KEYS[2]) }
`);

/** The circuit as Redis holds it. */
export interface SharedCircuitState {
  readonly state: CircuitState;
  /** Epoch ms the open period ends (0 unless open). */
  readonly until: number;
}

/** The open-period schedule, as in `CircuitBreakerOptions`. */
export interface OpenSchedule {
  readonly recoveryTimeoutMs: number;
  readonly recoveryMultiplier: number;
  readonly maxRecoveryTimeoutMs: number;
}

/** What {@link BreakerLease.probe} answered. */
export type ProbeAnswer =
  | { readonly kind: 'closed' }
  | { readonly kind: 'open'; readonly until: number }
  | { readonly kind: 'probe' }
  | { readonly kind: 'busy'; readonly retryAfterMs: number };

/** The channel on which circuit changes are announced; the message is the destination key. */
export const CIRCUIT_CHANNEL = 'cb';

/** The Redis side of one destination's shared circuit. Every call is one round trip. */
export class BreakerLease {
  readonly key: string;
  readonly #connection: RedisConnection;
  readonly #schedule: OpenSchedule;
  readonly #hash: string;
  readonly #lease: string;
  readonly #gone: string;

  constructor(connection: RedisConnection, key: string, schedule: OpenSchedule) {
    this.key = key;
    this.#connection = connection;
    this.#schedule = schedule;
    this.#hash = `${connection.prefix}cb:${key}`;
    this.#lease = `${this.#hash}:lease`;
    this.#gone = `${this.#hash}:gone`;
  }

  /** Opens the circuit after consecutive failures, unless another process already has. */
  async trip(now: number, jitter: number): Promise<RunResult<SharedCircuitState>> {
    return this.#circuit(TRIP, [now, ...this.#scheduleArgs(jitter), ...this.#announce()]);
  }

  /** Asks for the half-open probe lease for `leaseMs`. */
  async probe(now: number, owner: string, leaseMs: number): Promise<RunResult<ProbeAnswer>> {
    const r = await this.#connection.run((c) =>
      PROBE.run(c, [this.#hash, this.#lease], [now, owner, Math.max(1, Math.ceil(leaseMs))]),
    );
    if (!r.ok) return r;
    const [kind, value] = r.value as [string, number];
    switch (kind) {
      case 'open':
        return { ok: true, value: { kind: 'open', until: Number(value) } };
      case 'probe':
        return { ok: true, value: { kind: 'probe' } };
      case 'busy':
        return { ok: true, value: { kind: 'busy', retryAfterMs: Number(value) } };
      default:
        return { ok: true, value: { kind: 'closed' } };
    }
  }

  /** The lease holder's verdict: closes after enough successes, re-opens on a failure. */
  async verdict(
    now: number,
    owner: string,
    ok: boolean,
    successThreshold: number,
    jitter: number,
  ): Promise<RunResult<SharedCircuitState | undefined>> {
    const args = [
      now,
      owner,
      ok ? '1' : '0',
      successThreshold,
      ...this.#scheduleArgs(jitter),
      ...this.#announce(),
    ];
    const r = await this.#connection.run((c) => VERDICT.run(c, [this.#hash, this.#lease], args));
    if (!r.ok) return r;
    const [state, until] = r.value as [string, number];
    if (state === 'stale') return { ok: true, value: undefined };
    return { ok: true, value: { state: state as CircuitState, until: Number(until) } };
  }

  /** Gives the lease back when the granted probe did not happen. */
  async release(owner: string): Promise<void> {
    await this.#connection.run((c) => RELEASE.run(c, [this.#lease], [owner]));
  }

  /** The circuit and the gone flag as Redis holds them. */
  async read(): Promise<RunResult<SharedCircuitState & { readonly gone: string | undefined }>> {
    const r = await this.#connection.run((c) => READ.run(c, [this.#hash, this.#gone], []));
    if (!r.ok) return r;
    const [state, until, gone] = r.value as [string, number, string | null];
    return {
      ok: true,
      value: { state: state as CircuitState, until: Number(until), gone: gone ?? undefined },
    };
  }

  /** Disables the destination in every process. */
  async markGone(reason: string): Promise<boolean> {
    const r = await this.#connection.run((c) =>
      c.multi().set(this.#gone, reason, 'PX', GONE_TTL_MS).publish(this.#channel(), this.key).exec(),
    );
    return r.ok;
  }

  /** Closes the circuit and clears the gone flag everywhere. */
  async reset(): Promise<boolean> {
    const r = await this.#connection.run((c) =>
      c
        .multi()
        .del(this.#hash, this.#lease, this.#gone)
        .publish(this.#channel(), `${this.key}\nreset`)
        .exec(),
    );
    return r.ok;
  }

  async #circuit(script: RedisScript, args: (string | number)[]): Promise<RunResult<SharedCircuitState>> {
    const r = await this.#connection.run((c) => script.run(c, [this.#hash, this.#lease], args));
    if (!r.ok) return r;
    const [state, until] = r.value as [string, number];
    return { ok: true, value: { state: state as CircuitState, until: Number(until) } };
  }

  #scheduleArgs(jitter: number): number[] {
    const s = this.#schedule;
    return [s.recoveryTimeoutMs, s.recoveryMultiplier, s.maxRecoveryTimeoutMs, jitter];
  }

  #announce(): string[] {
    return [this.#channel(), this.key];
  }

  #channel(): string {
    return this.#connection.prefix + CIRCUIT_CHANNEL;
  }
}
