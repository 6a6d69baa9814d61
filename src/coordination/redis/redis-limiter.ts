/**
 * A destination's rate limits on Redis: every send decision of every process is one EVALSHA of
 * {@link LIMITER_SCRIPT}, which also carries what this process learned since its previous call.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../resilience/clock.js';
import type { RateLimitUpdate } from '../../resilience/rate-limiter.js';
import type { LimiterPlan } from '../ports.js';
import type { RedisConnection, RunResult } from './connection.js';
import { LIMITER_SCRIPT } from './limiter-script.js';
import { RedisScript } from './script.js';

const script = new RedisScript(LIMITER_SCRIPT);

/** Most operations kept while waiting to be sent; older ones are dropped (they only refine timing). */
const MAX_PENDING_OPS = 256;

/**
 * The shared limiter of one destination. Answers, header corrections and pauses are queued and ride
 * on the next decision (one round trip per send while a backlog exists); when no decision follows in
 * the same turn, they are sent alone on the next turn so the other processes learn them at once.
 */
export class RedisLimiter {
  readonly #connection: RedisConnection;
  readonly #plan: LimiterPlan;
  readonly #clock: Clock;
  readonly #keys: readonly string[];
  readonly #windowArgs: readonly (string | number)[];
  readonly #owner = randomUUID().slice(0, 12);
  /** Acquisitions granted and not answered yet, newest last: `prefix` and `cost`. */
  readonly #outstanding: Array<{ readonly prefix: string; readonly cost: number }> = [];
  #ops: (string | number)[][] = [];
  #seq = 0;
  #flushScheduled = false;
  #roundTrips = 0;

  constructor(connection: RedisConnection, plan: LimiterPlan, clock: Clock) {
    this.#connection = connection;
    this.#plan = plan;
    this.#clock = clock;
    const base = `${connection.prefix}rl:`;
    this.#keys = [
      `${base}${plan.key}:pause`,
      `${base}${plan.key}:server`,
      ...plan.windows.map(
        (w) => `${base}${w.scope}:${w.kind === 'token-bucket' ? 'tb' : 'sw'}:${w.limit}:${w.intervalMs}`,
      ),
    ];
    this.#windowArgs = plan.windows.flatMap((w) => [
      w.limit,
      w.intervalMs,
      w.kind === 'token-bucket' ? 2 : 1,
    ]);
  }

  /** Redis calls made so far (for the benchmark's round trips per send). */
  get roundTrips(): number {
    return this.#roundTrips;
  }

  /** Every key this limiter writes (for tests that clean up). */
  get keys(): readonly string[] {
    return this.#keys;
  }

  /** One decision; `ok: false` when Redis could not be asked (the caller then decides locally). */
  async decide(cost = 1): Promise<RunResult<number>> {
    const prefix = `${this.#owner}:${++this.#seq}`;
    const answer = await this.#call(prefix, cost);
    if (answer.ok && answer.value === 0) {
      // A grant a lane never used (a reservation let go) is never answered: keep the list bounded.
      if (this.#outstanding.length >= MAX_PENDING_OPS) this.#outstanding.shift();
      this.#outstanding.push({ prefix, cost });
    }
    return answer;
  }

  /** Records that the newest outstanding acquisition was answered now, with the server's correction. */
  complete(update?: RateLimitUpdate): void {
    const acquisition = this.#outstanding.pop();
    const remaining = validCount(update?.remaining);
    const reset = update?.resetAfterMs;
    const timed = remaining !== undefined && reset !== undefined && Number.isFinite(reset) && reset >= 0;
    if (!acquisition && !timed) return;
    this.#queue([
      'c',
      this.#clock.now(),
      acquisition?.prefix ?? '-',
      acquisition?.cost ?? 0,
      timed ? remaining : '',
      timed ? reset : '',
    ]);
  }

  /** Queues a Retry-After pause for every process. */
  pauseFor(ms: number): void {
    if (ms > 0) this.#queue(['p', this.#clock.now(), ms]);
  }

  #queue(op: (string | number)[]): void {
    if (this.#ops.length >= MAX_PENDING_OPS) this.#ops.shift();
    this.#ops.push(op);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      if (this.#ops.length > 0) void this.#call('-', 0);
    });
  }

  async #call(prefix: string, cost: number): Promise<RunResult<number>> {
    const ops = this.#ops;
    this.#ops = [];
    const args = [
      this.#clock.now(),
      cost,
      this.#plan.marginMs ?? 0,
      prefix,
      this.#plan.windows.length,
      ...this.#windowArgs,
      ...ops.flat(),
    ];
    this.#roundTrips++;
    const result = await this.#connection.run((client) => script.run(client, this.#keys, args));
    return result.ok ? { ok: true, value: Number(result.value) } : result;
  }
}

function validCount(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}
