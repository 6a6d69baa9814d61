/**
 * The relay's queue on a Redis Stream shared by every replica (`server.queue.type: 'redis'`). Ingest
 * appends each accepted batch in one round trip and answers 202 once Redis has it; every replica's
 * {@link StreamConsumer} delivers from the stream through its own instance, and an entry is removed
 * only when every destination settled its event (see `instance/delivery-tap.ts`). While Redis is
 * unavailable ingest takes batches into this process, with its local spool, exactly as a relay
 * without a shared queue does, and says so once (log, an alert event, `/metrics`, the status page).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { ValidConfig } from '../config/config-schema.js';
import type { RelayQueueConfig } from '../config/server-schema.js';
import { RedisConnection } from '../coordination/redis/connection.js';
import { StreamQueue } from '../coordination/redis/stream-queue.js';
import type { Offpath } from '../instance/create-offpath.js';
import { html } from '../server/html.js';
import type { Readiness } from '../server/readiness.js';
import type { Admission, EventAdmission, IndexedEvents, Ingest } from './admit-events.js';
import { registerQueueMetrics } from './queue-metrics.js';
import type { StatusPanels } from './status-page.js';
import { StreamConsumer } from './stream-consumer.js';
import { StreamTracker } from './stream-tracker.js';

/** Defaults of `server.queue`. */
export const QUEUE_DEFAULTS = {
  stream: 'relay',
  maxLength: 100_000,
  claimAfterMs: 30_000,
  maxInFlight: 500,
  maxDeliveries: 5,
} as const;

/** A shared queue being set up: its tap goes to the instance, then {@link attach} starts it. */
export interface SharedQueue {
  /** Pass to `createOffpath` as `deps.tap`. */
  readonly tracker: StreamTracker;
  /** Starts delivering from the stream into `instance`; ingest then goes through the returned {@link Ingest}. */
  attach(parts: {
    instance: Offpath;
    local: EventAdmission;
    registry: Registry;
    panels: StatusPanels;
    readiness: Readiness;
    maxPending: number;
    log: (line: string) => void;
  }): Ingest;
  /** Stops taking entries (shutdown starts). */
  stopReading(): Promise<void>;
  /** Acknowledges what settled and disconnects; held entries stay pending for the other replicas. */
  close(): Promise<void>;
}

/** Undefined unless `server.queue.type` is `redis` (which the schema accepts only with `coordination.redis`). */
export function openSharedQueue(config: ValidConfig): SharedQueue | undefined {
  const q: RelayQueueConfig = config.server?.queue ?? {};
  const redis = config.coordination?.redis;
  if (q.type !== 'redis' || !redis) return undefined;
  const o = { ...QUEUE_DEFAULTS, ...q };
  const consumer = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const connect = () =>
    new RedisConnection({
      url: redis.url,
      keyPrefix: redis.keyPrefix,
      commandTimeoutMs: redis.commandTimeoutMs,
    });
  const commands = connect();
  // Blocking reads get a connection of their own: they would hold up appends and acknowledgements.
  const reads = connect();
  const queueOf = (connection: RedisConnection) =>
    new StreamQueue(connection, {
      stream: o.stream,
      consumer,
      maxLength: o.maxLength,
      maxDeliveries: o.maxDeliveries,
    });
  const queue = queueOf(commands);
  let stream: StreamConsumer | undefined;
  const tracker = new StreamTracker((entryId) => stream?.settled(entryId));
  let stopMetrics = (): void => {};

  return {
    tracker,
    attach({ instance, local, registry, panels, readiness, maxPending, log }) {
      const state = (): 'shared' | 'fallback' => (commands.up ? 'shared' : 'fallback');
      const metrics = registerQueueMetrics(registry, { state, held: () => tracker.held, queue });
      stopMetrics = metrics.stop;
      stream = new StreamConsumer({
        reader: queueOf(reads),
        queue,
        tracker,
        instance,
        options: {
          maxInFlight: o.maxInFlight,
          claimAfterMs: o.claimAfterMs,
          // Well under the command timeout, so a blocked read never counts as Redis being slow.
          blockMs: Math.max(50, Math.floor((redis.commandTimeoutMs ?? 1_000) / 4)),
          maxPending,
        },
        counters: {
          claimed: (n) => metrics.claimed.inc(n),
          acknowledged: (n) => metrics.acknowledged.inc(n),
          unreadable: (n) => metrics.unreadable.inc(n),
          dead: (ids) => {
            metrics.dead.inc(ids.length);
            setAside(instance, log, ids, { from: queue.key, to: queue.deadKey, times: o.maxDeliveries });
          },
          error: (error) => log(`relay queue: Redis refused a command: ${describe(error)}`),
        },
      });
      stream.start();
      announce(commands, instance, log, `${queue.key} as consumer ${consumer}`);
      // In fallback the replica still takes and delivers events (locally): it stays ready, and says why.
      readiness.add('relay-queue', () => ({
        ready: true,
        detail:
          state() === 'shared'
            ? `shared: on the Redis stream ${queue.key}`
            : 'fallback: Redis unavailable; ingest takes events into this process and its spool (still ready)',
      }));
      panels.add({
        id: 'relay-queue',
        title: 'Shared queue',
        render: () =>
          html`<p>State: <strong>${state()}</strong> · stream ${queue.key} · consumer ${consumer} · delivering ${String(tracker.held)} entries</p>`,
      });
      return new StreamIngest(queue, commands, local, {
        appended: (n) => metrics.appended.inc(n),
        local: (n) => metrics.local.inc(n),
        maxLength: o.maxLength,
      });
    },
    stopReading: async () => {
      await stream?.stopReading();
    },
    async close() {
      await stream?.close();
      // A clean stop that left nothing pending takes its consumer name out of the group.
      await queue.retire().catch(() => undefined);
      stopMetrics();
      await Promise.all([commands.close(), reads.close()]);
    },
  };
}

interface StreamIngestOptions {
  appended(n: number): void;
  local(n: number): void;
  readonly maxLength: number;
}

/** Ingest onto the stream; into this process when Redis is not usable. */
class StreamIngest implements Ingest {
  readonly #queue: StreamQueue;
  readonly #connection: RedisConnection;
  readonly #local: EventAdmission;
  readonly #o: StreamIngestOptions;

  constructor(
    queue: StreamQueue,
    connection: RedisConnection,
    local: EventAdmission,
    options: StreamIngestOptions,
  ) {
    this.#queue = queue;
    this.#connection = connection;
    this.#local = local;
    this.#o = options;
  }

  /** While the stream takes batches, this process's load does not matter: any replica delivers them. */
  saturated(): Extract<Admission, { ok: false }> | undefined {
    return this.#connection.up ? undefined : this.#local.saturated();
  }

  async admit(events: IndexedEvents): Promise<Admission> {
    if (events.length === 0) return { ok: true, accepted: 0, refused: [] };
    const appended = await this.#queue.append(events.map((e) => JSON.stringify(e.event)));
    if (appended.ok && 'full' in appended.value) {
      return {
        ok: false,
        status: 503,
        retryAfterSeconds: 1,
        reason: `the shared queue holds its maximum of ${this.#o.maxLength} entries (replicas deliver slower than ingest); nothing was accepted`,
      };
    }
    if (appended.ok) {
      this.#o.appended(events.length);
      return { ok: true, accepted: events.length, refused: [] };
    }
    // Redis is not usable (or was lost during the call, in which case the batch may also be in the
    // stream: delivered twice rather than lost).
    const admitted = await this.#local.admit(events);
    if (admitted.ok) this.#o.local(admitted.accepted);
    return admitted;
  }
}

/** Says once per change whether ingest goes to the stream or, Redis being away, to this process. */
function announce(
  connection: RedisConnection,
  instance: Offpath,
  log: (line: string) => void,
  where: string,
): void {
  const shared = (): void => log(`relay queue: on the Redis stream ${where}`);
  if (connection.up) shared();
  connection.on('up', shared);
  connection.on('down', ({ error }) => {
    log(`relay queue: Redis unavailable (${error}); ingest takes events into this process and its spool`);
    instance.emit({
      level: 'warn',
      kind: 'alert',
      title: 'offpath relay: shared queue unavailable',
      message:
        'Redis does not answer: this replica takes ingested events into its own pipeline and spool until it is back; entries it held on the stream are claimed by the other replicas if it stops.',
      fields: { error },
      fingerprint: 'offpath-relay-queue-fallback',
    });
  });
}

/** Says which entries a claim moved to the dead-letter stream: in the log, and as one alert per cooldown. */
function setAside(
  instance: Offpath,
  log: (line: string) => void,
  ids: readonly string[],
  where: { from: string; to: string; times: number },
): void {
  const what = `${ids.length} entr${ids.length === 1 ? 'y' : 'ies'} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`;
  log(
    `relay queue: ${what} given out ${where.times} times without settling; moved to ${where.to}, not delivered again`,
  );
  instance.emit({
    level: 'warn',
    kind: 'alert',
    title: 'offpath relay: stream entries set aside',
    message: `Entries of ${where.from} were given out ${where.times} times (server.queue.maxDeliveries) and never settled: their delivery crashes or stalls every replica that takes it. They are on ${where.to}, not delivered again.`,
    fields: { entries: ids.length, ids: ids.slice(0, 20).join(' '), deadStream: where.to },
    fingerprint: 'offpath-relay-queue-dead',
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
