/**
 * The `proxies` list of a config file (`offpath proxy --config`, `offpath serve`): one entry per
 * gateway proxy, the same fields as the gateway's `ProxyOptions`. Deeper checks (unique names and
 * paths, token length) are made when the gateway starts, with the same messages.
 * @module
 */
import { z } from 'zod';
import { exchangeCaptureOptions } from './capture-schema.js';
import { httpUrl } from './destination-schema.js';

const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();
const token = z.string().min(16, 'must be at least 16 characters (openssl rand -hex 24 makes one)');

/** One proxy. */
export const proxySchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, "_", "." or "-"')
      .optional(),
    path: z.string().startsWith('/', 'must start with "/"').optional(),
    target: httpUrl,
    headers: z.record(z.string(), z.string()).optional(),
    auth: z
      .union([
        z.array(token).min(1, 'list at least one token, or remove auth'),
        z
          .object({
            tokens: z.array(token).min(1, 'list at least one token'),
            header: z.string().min(1).optional(),
          })
          .strict(),
      ])
      .optional(),
    timeoutMs: positiveInt.optional(),
    inactivityTimeoutMs: positiveInt.optional(),
    breaker: z
      .union([
        z.enum(['defaults', 'lenient', 'strict']),
        z
          .object({
            failureThreshold: positiveInt.optional(),
            recoveryTimeoutMs: positiveInt.optional(),
            halfOpenSuccessThreshold: positiveInt.optional(),
          })
          .strict(),
      ])
      .optional(),
    retry: z
      .union([
        z.enum(['defaults', 'aggressive', 'noRetry']),
        z
          .object({
            maxAttempts: positiveInt.optional(),
            initialDelayMs: nonNegative.optional(),
            maxDelayMs: nonNegative.optional(),
            multiplier: z.number().min(1).optional(),
            jitter: z.enum(['none', 'full', 'decorrelated']).optional(),
          })
          .strict(),
      ])
      .optional(),
    capture: exchangeCaptureOptions.optional(),
    maxRequestBytes: positiveInt.optional(),
  })
  .strict();

/** The list. */
export const proxiesSchema = z.array(proxySchema);

/** One proxy as written in a config file. */
export type ProxyConfig = z.output<typeof proxySchema>;
