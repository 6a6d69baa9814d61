/**
 * The Redis connection every shared component uses: fail-fast commands (no offline queue, so nothing
 * piles up while Redis is away), a deadline per command (slow counts as down), one `down` event per
 * outage, and a rejoin as soon as Redis answers again.
 * @module
 */
import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import type { Redis } from 'ioredis';
import { TypedEmitter } from '../../resilience/typed-emitter.js';

let ioredis: typeof IORedis | undefined;

/**
 * ioredis, loaded when the first connection is made rather than by `import 'offpath'`: an instance
 * without `coordination.redis` never pays for it (about 60 CommonJS modules).
 */
function redisClient(): typeof IORedis.Redis {
  ioredis ??= createRequire(import.meta.url)('ioredis') as typeof IORedis;
  return ioredis.Redis;
}

/** Options of {@link RedisConnection}. */
export interface RedisConnectionOptions {
  /** `redis://…` or `rediss://…`. */
  readonly url: string;
  /** Prefix of every key. @default 'offpath:' */
  readonly keyPrefix?: string | undefined;
  /** A command not answered within this many ms fails, and Redis counts as down. @default 1000 */
  readonly commandTimeoutMs?: number | undefined;
  /** How often a lost Redis is tried again, in ms. @default 500 */
  readonly reconnectIntervalMs?: number | undefined;
}

/** `connecting` until the first answer; `up` while commands are answered; `down` during an outage. */
export type ConnectionState = 'connecting' | 'up' | 'down' | 'closed';

/** Events of {@link RedisConnection}. */
export interface ConnectionEvents {
  /** Redis answers (first time, or again after an outage). */
  readonly up: { readonly at: number; readonly rejoined: boolean };
  /** Redis stopped answering; emitted once per outage. `error` never contains the URL's password. */
  readonly down: { readonly at: number; readonly error: string };
  /**
   * The subscription connection (re)subscribed its channels. Messages published while it was not
   * subscribed were missed: subscribers re-read the state they follow.
   */
  readonly subscribed: { readonly at: number };
}

/** What {@link RedisConnection.health} reports. */
export interface ConnectionHealth {
  readonly state: ConnectionState;
  /** Epoch ms of the last change of state. */
  readonly since: number;
  /** Outages seen since the start. */
  readonly outages: number;
  readonly lastError: string | undefined;
}

/** The outcome of {@link RedisConnection.run}: a value, or `ok: false` when Redis was not usable. */
export type RunResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

const FAILED: RunResult<never> = Object.freeze({ ok: false });

/**
 * One client for commands and, created on first use, one for subscriptions.
 * @example
 * const connection = new RedisConnection({ url: 'redis://127.0.0.1:6379' });
 * connection.on('down', ({ error }) => log(`coordination off: ${error}`));
 * const answer = await connection.run((redis) => redis.ping());
 */
export class RedisConnection {
  /** Prefix of every key this connection's users write. */
  readonly prefix: string;
  readonly #client: Redis;
  readonly #events = new TypedEmitter<ConnectionEvents>();
  readonly #channels = new Map<string, Set<(message: string) => void>>();
  readonly #reconnectMs: number;
  #subscriber: Redis | undefined;
  #state: ConnectionState = 'connecting';
  // Real time on purpose: an outage and its probes happen in the real world, whatever clock the
  // limiters are given.
  #since: number;
  #outages = 0;
  #everUp = false;
  #lastError: string | undefined;
  #probe: NodeJS.Timeout | undefined;

  constructor(options: RedisConnectionOptions) {
    this.prefix = options.keyPrefix ?? 'offpath:';
    this.#since = Date.now();
    this.#reconnectMs = options.reconnectIntervalMs ?? 500;
    const Client = redisClient();
    this.#client = new Client(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Generous on purpose: a loaded host answers its timers late, and a spurious "down" costs the
      // group its shared view; a Redis that takes a second is down by any measure.
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      connectTimeout: 2_000,
      retryStrategy: () => this.#reconnectMs,
      // Commands issued in the same turn (a decision and the previous answer's correction, a burst of
      // claims) leave in one write.
      enableAutoPipelining: true,
      // RESP2 replies have one shape for every command (RESP3 maps would change XREADGROUP's).
      protocol: 2,
    });
    this.#client.on('ready', () => void this.#confirm());
    this.#client.on('error', (error: Error) => this.#fail(error));
    this.#client.on('close', () => this.#fail(new Error('connection closed')));
    this.#client.connect().catch((error: unknown) => this.#fail(error));
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** True while commands are answered. */
  get up(): boolean {
    return this.#state === 'up';
  }

  /** The raw client, for components that need a command this class does not wrap. */
  get client(): Redis {
    return this.#client;
  }

  on<K extends keyof ConnectionEvents>(type: K, listener: (event: ConnectionEvents[K]) => void): () => void {
    return this.#events.on(type, listener);
  }

  health(): ConnectionHealth {
    return { state: this.#state, since: this.#since, outages: this.#outages, lastError: this.#lastError };
  }

  /**
   * Runs `fn` when Redis is up; a failure (refused, lost, timed out) marks it down and resolves
   * `ok: false`, which tells the caller to use its local fallback. Rejects only with a Redis reply
   * error (a wrong script or key type): a bug, which must not pass for an outage.
   */
  async run<T>(fn: (client: Redis) => Promise<T>): Promise<RunResult<T>> {
    if (this.#state !== 'up') return FAILED;
    try {
      return { ok: true, value: await fn(this.#client) };
    } catch (error) {
      if (isReplyError(error)) throw error;
      this.#fail(error);
      return FAILED;
    }
  }

  /**
   * Calls `listener` with every message published on `channel` (on a second connection, made on first
   * use). Listen to `subscribed` to learn when messages may have been missed.
   */
  subscribe(channel: string, listener: (message: string) => void): () => void {
    const name = this.prefix + channel;
    let listeners = this.#channels.get(name);
    if (!listeners) {
      listeners = new Set();
      this.#channels.set(name, listeners);
      const sub = this.#subscriberClient();
      if (sub.status === 'ready') this.#subscribeAll(sub, [name]);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  /** Publishes `message` on `channel`; false when Redis was not usable. */
  async publish(channel: string, message: string): Promise<boolean> {
    return (await this.run((c) => c.publish(this.prefix + channel, message))).ok;
  }

  /** Disconnects both clients; idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#setState('closed');
    if (this.#probe !== undefined) clearTimeout(this.#probe);
    this.#client.disconnect();
    this.#subscriber?.disconnect();
  }

  #subscriberClient(): Redis {
    if (this.#subscriber) return this.#subscriber;
    const sub = this.#client.duplicate({
      enableAutoPipelining: false,
      commandTimeout: undefined,
      // Subscriptions are made again on every 'ready' below, followed by a `subscribed` event.
      autoResubscribe: false,
    });
    sub.on('error', () => {
      // The command client reports outages; the subscriber only reconnects.
    });
    sub.on('message', (channel: string, message: string) => {
      for (const listener of this.#channels.get(channel) ?? []) listener(message);
    });
    sub.on('ready', () => this.#subscribeAll(sub, [...this.#channels.keys()]));
    this.#subscriber = sub;
    sub.connect().catch(() => undefined);
    return sub;
  }

  #subscribeAll(sub: Redis, names: readonly string[]): void {
    if (names.length === 0) return;
    sub.subscribe(...names).then(
      () => this.#events.emit('subscribed', { at: Date.now() }),
      () => undefined,
    );
  }

  /** 'ready' only says the socket is open: a PING within the deadline says Redis answers. */
  async #confirm(): Promise<void> {
    if (this.#state === 'closed') return;
    try {
      await this.#client.ping();
    } catch (error) {
      this.#fail(error);
      return;
    }
    // The state may have changed while the PING was out (closed, or confirmed by another path).
    if (!this.#waitingForRedis()) return;
    const rejoined = this.#everUp;
    this.#everUp = true;
    this.#setState('up');
    this.#events.emit('up', { at: this.#since, rejoined });
  }

  #waitingForRedis(): boolean {
    return this.#state === 'connecting' || this.#state === 'down';
  }

  #fail(error: unknown): void {
    this.#lastError = describe(error);
    if (this.#state === 'closed') return;
    if (this.#state !== 'down') {
      this.#outages++;
      this.#setState('down');
      this.#events.emit('down', { at: this.#since, error: this.#lastError });
    }
    this.#scheduleProbe();
  }

  /**
   * A slow Redis keeps its socket, so no 'ready' will come: while down, a PING every interval decides
   * when it is back. A lost socket is reconnected by the client meanwhile.
   */
  #scheduleProbe(): void {
    if (this.#probe !== undefined) return;
    this.#probe = setTimeout(() => {
      this.#probe = undefined;
      if (this.#state !== 'down') return;
      if (this.#client.status === 'ready') void this.#confirm();
      else this.#scheduleProbe();
    }, this.#reconnectMs);
    this.#probe.unref();
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.#since = Date.now();
  }
}

/** A reply error (wrong script, wrong type) is a bug, not an outage: it must not switch to fallback silently. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // ioredis messages name host:port at most; strip anything that looks like credentials anyway.
  return text.replace(/\/\/[^@\s]*@/g, '//***@').slice(0, 200);
}
