/**
 * Schema of `coordination`: shared state across several offpath processes (rate limits, circuit
 * breakers, digests, the relay's queue) on Redis. Absent means off: a single process behaves as before.
 * @module
 */
import { z } from 'zod';

function isRedisUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'redis:' || u.protocol === 'rediss:';
  } catch {
    return false;
  }
}

/** Where the shared state lives. */
export const redisSchema = z
  .object({
    /** `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS. The password is never logged. */
    url: z.string().refine(isRedisUrl, 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379'),
    /** Prefix of every key offpath writes; processes that share limits must use the same one. */
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits, "_", ".", ":" or "-"')
      .optional(),
    /** A command not answered within this many ms counts as Redis being down (slow is down). */
    commandTimeoutMs: z.number().int().positive().max(60_000).optional(),
  })
  .strict();

/** `coordination: { redis: { url, keyPrefix }, replicas }`. */
export const coordinationSchema = z
  .object({
    redis: redisSchema.optional(),
    /**
     * How many processes share each destination. While Redis is off or unreachable, every process
     * paces itself at 1/replicas of each platform limit, so together they stay inside it.
     */
    replicas: z.number().int().positive().max(10_000).optional(),
  })
  .strict();

/** The coordination section after validation. */
export type CoordinationConfig = z.output<typeof coordinationSchema>;
