/**
 * Cooldown windows by fingerprint on Redis, per destination: the first process to claim a fingerprint
 * sends its first occurrence and owns the window; the others add the repeats they merged; the owner
 * closes the window and sends one digest with the summed count. A window lives `cooldown + grace` at
 * most, so the window of an owner that died expires on its own.
 * @module
 */
import { createHash } from 'node:crypto';
import { LEVELS, type Level, levelRank } from '../../core/level.js';
import type { NoiseClaim, NoiseTally } from '../ports.js';
import type { RedisConnection, RunResult } from './connection.js';
import { RedisScript } from './script.js';

/** How long after its end a window waits for its owner to close it before Redis forgets it. */
export const WINDOW_GRACE_MS = 30_000;

/** KEYS one per fingerprint; ARGV owner, now, cooldownMs, graceMs. Returns per key `{owner?1:0, until}`. */
const CLAIM = new RedisScript(`
local now, cooldown, grace = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local out = {}
for i, key in ipairs(KEYS) do
  local untilAt = redis.call('HGET', key, 'until')
  if untilAt then
    -- Open, or ended and not closed yet by its owner: a repeat either way, counted in that digest.
    out[i] = { 0, tonumber(untilAt) }
  else
    untilAt = now + cooldown
    redis.call('HSET', key, 'owner', ARGV[1], 'until', untilAt, 'count', 0)
    redis.call('PEXPIRE', key, math.ceil(cooldown + grace))
    out[i] = { 1, untilAt }
  end
end
return out
`);

/** KEYS window; ARGV count, first, last, level rank. 0 when the window is closed. */
const CONTRIBUTE = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local c = redis.call('HMGET', KEYS[1], 'first', 'last', 'level')
redis.call('HINCRBY', KEYS[1], 'count', ARGV[1])
local first, last, level = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if c[1] then first = math.min(first, tonumber(c[1])) end
if c[2] then last = math.max(last, tonumber(c[2])) end
if c[3] then level = math.max(level, tonumber(c[3])) end
redis.call('HSET', KEYS[1], 'first', first, 'last', last, 'level', level)
return 1
`);

/** KEYS window; ARGV owner. The tally `{count, first, last, level}`, or false when not this owner's. */
const CLOSE = new RedisScript(`
local w = redis.call('HMGET', KEYS[1], 'owner', 'count', 'first', 'last', 'level')
if w[1] ~= ARGV[1] then return false end
redis.call('DEL', KEYS[1])
return { tonumber(w[2] or '0'), tonumber(w[3] or '0'), tonumber(w[4] or '0'), tonumber(w[5] or '0') }
`);

/** The Redis side of one destination's shared noise control. Each call is one round trip. */
export class RedisNoiseStore {
  readonly #connection: RedisConnection;
  readonly #base: string;
  readonly #owner: string;

  /**
   * @param key the destination's shared name
   * @param owner this process's id (windows it claims carry it)
   */
  constructor(connection: RedisConnection, key: string, owner: string) {
    this.#connection = connection;
    this.#base = `${connection.prefix}nz:${key}:`;
    this.#owner = owner;
  }

  /** Claims many fingerprints in one call. */
  async claim(
    fingerprints: readonly string[],
    cooldownMs: number,
    now: number,
  ): Promise<RunResult<NoiseClaim[]>> {
    if (fingerprints.length === 0) return { ok: true, value: [] };
    const keys = fingerprints.map((f) => this.#key(f));
    const r = await this.#connection.run((c) =>
      CLAIM.run(c, keys, [this.#owner, now, cooldownMs, WINDOW_GRACE_MS]),
    );
    if (!r.ok) return r;
    const rows = r.value as Array<[number, number]>;
    return { ok: true, value: rows.map(([owner, until]) => ({ owner: owner === 1, until: Number(until) })) };
  }

  /** Adds merged repeats; `value: false` when the window is closed. */
  async contribute(fingerprint: string, tally: NoiseTally): Promise<RunResult<boolean>> {
    const args = [tally.count, tally.firstTime, tally.lastTime, levelRank(tally.level)];
    const r = await this.#connection.run((c) => CONTRIBUTE.run(c, [this.#key(fingerprint)], args));
    return r.ok ? { ok: true, value: Number(r.value) === 1 } : r;
  }

  /** Closes a window this process owns and takes what the others contributed. */
  async close(fingerprint: string): Promise<RunResult<NoiseTally | undefined>> {
    const r = await this.#connection.run((c) => CLOSE.run(c, [this.#key(fingerprint)], [this.#owner]));
    if (!r.ok) return r;
    if (!Array.isArray(r.value)) return { ok: true, value: undefined };
    const [count, firstTime, lastTime, rank] = (r.value as number[]).map(Number) as [
      number,
      number,
      number,
      number,
    ];
    if (count === 0) return { ok: true, value: undefined };
    return {
      ok: true,
      value: { count, firstTime, lastTime, level: LEVELS[rank] ?? ('error' satisfies Level) },
    };
  }

  #key(fingerprint: string): string {
    // Fingerprints are readable text (templates of messages and URLs): keys carry their hash only.
    return this.#base + createHash('sha256').update(fingerprint).digest('hex').slice(0, 24);
  }
}
