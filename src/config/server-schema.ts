/**
 * The `server` section of a config: how `offpath serve` listens, authenticates and bounds its work.
 * Only the relay reads it; `createOffpath` ignores it.
 * @module
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();

/**
 * Where ingest puts accepted events. `local`: into this process's pipeline (with its spool), as one
 * relay does. `redis`: onto a Redis Stream shared by every replica (needs `coordination.redis`); each
 * replica delivers from it as one consumer group, and a crashed replica's entries are claimed by the
 * others. When Redis is unavailable, ingest falls back to `local`.
 */
export const relayQueueSchema = z
  .object({
    /** @default 'local' */
    type: z.enum(['local', 'redis']).optional(),
    /** The stream's name, under `coordination.redis.keyPrefix` (`<prefix>q:<stream>`). @default 'relay' */
    stream: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"')
      .optional(),
    /** Entries the stream holds at most (waiting and being delivered); a batch beyond it gets 503. @default 100_000 */
    maxLength: positiveInt.optional(),
    /** An entry a replica has held this long without touching it is claimed by another one. @default 30_000 */
    claimAfterMs: z.number().int().min(100).optional(),
    /** Entries one replica delivers at once at most (keep it under each destination's `queue.maxItems`). @default 500 */
    maxInFlight: positiveInt.optional(),
    /**
     * Times an entry is given out (its first read, then each claim) before it counts as poison: an
     * entry whose delivery crashes or stalls every replica that takes it is then moved to the
     * dead-letter stream `<prefix>q:<stream>:dead` instead of being claimed again forever. 1 means a
     * crashed replica's entries are never delivered again.
     * @default 5
     */
    maxDeliveries: z.number().int().min(1).max(1_000).optional(),
  })
  .strict();

/** Settings of `offpath serve`. */
export const serverSchema = z
  .object({
    /** Address to bind. Anything but loopback requires `tokens`. @default '127.0.0.1' */
    host: z.string().min(1).optional(),
    /** TCP port (0 picks a free one). @default 8787 */
    port: z.number().int().min(0).max(65_535).optional(),
    /**
     * Bearer tokens accepted on `/v1/*` and the status page login. Without any (and on loopback) a
     * token is generated into `<dataDir>/token` (mode 0600). Also read from `OFFPATH_SERVE_TOKENS`
     * (comma-separated).
     * @default []
     */
    tokens: z.array(z.string().min(16, 'must be at least 16 characters')).optional(),
    /** Largest request body accepted, after decompression; larger ones get 413. @default 1_048_576 */
    maxBodyBytes: positiveInt.optional(),
    /** Serve the status page at `/status`. @default true */
    status: z.boolean().optional(),
    /** Directory for the generated token and the default spool. @default '.offpath' */
    dataDir: z.string().min(1).optional(),
    /** Time allowed to receive a request's headers (slow-loris bound). @default 10_000 */
    headersTimeoutMs: positiveInt.optional(),
    /** Time allowed to receive a whole request. @default 30_000 */
    requestTimeoutMs: positiveInt.optional(),
    /** How long an idle keep-alive connection stays open. @default 5_000 */
    keepAliveTimeoutMs: positiveInt.optional(),
    /** Open connections at most; more are refused at once. @default 1_024 */
    maxConnections: positiveInt.optional(),
    /**
     * Deliveries in flight (accepted, not yet delivered) above which ingest answers 429, so a slow
     * destination turns into backpressure rather than memory growth.
     * @default 50_000
     */
    maxPending: positiveInt.optional(),
    /** Where accepted events wait for delivery (see {@link relayQueueSchema}). @default { type: 'local' } */
    queue: relayQueueSchema.optional(),
  })
  .strict();

/** The `server` section as written. */
export type ServerConfig = z.input<typeof serverSchema>;

/** `server.queue` as written. */
export type RelayQueueConfig = z.input<typeof relayQueueSchema>;
