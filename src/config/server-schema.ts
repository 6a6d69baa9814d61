/**
 * The `server` section of a config: how `offpath serve` listens, authenticates and bounds its work.
 * Only the relay reads it; `createOffpath` ignores it.
 * @module
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();

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
  })
  .strict();

/** The `server` section as written. */
export type ServerConfig = z.input<typeof serverSchema>;
