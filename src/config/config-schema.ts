/**
 * The whole configuration: destinations, routes, limits, redaction, spool. Unknown keys are rejected
 * everywhere so a typo is an error, not a silently ignored setting.
 * @module
 */
import { z } from 'zod';
import { LEVELS } from '../core/level.js';
import { compileProblem } from '../pipeline/router.js';
import { compileTextPattern } from '../redact/redactor.js';
import { captureOptions, compiling, pattern, statusClass } from './capture-schema.js';
import { coordinationSchema } from './coordination-schema.js';
import { destinationSchema } from './destination-schema.js';
import { proxiesSchema } from './proxy-schema.js';
import { serverSchema } from './server-schema.js';

// Messages ("expected one of trace, …, got …") are written from the schema by describe-issues.ts.
const level = z.enum(LEVELS);
const positiveInt = z.number().int().positive();

/** Where records come from (collector-record.ts); the new fields refuse an empty text. */
export const originFields = {
  service: z.string().max(80),
  environment: z.string().min(1).max(80),
  release: z.string().min(1).max(200),
  host: z.string().min(1).max(255),
} as const;

/** A regular expression source (compiled with the `g` flag), or a RegExp in code. */
const textPattern = z.union([
  compiling((value) => compileProblem(() => compileTextPattern(value))),
  z.instanceof(RegExp),
]);

/** Which events go where. An event goes to the union of the destinations of every route it matches. */
export const routeSchema = z
  .object({
    destinations: z.array(z.string()).min(1, 'list at least one destination name'),
    minLevel: level.optional(),
    levels: z.array(level).optional(),
    kinds: z.array(z.string()).optional(),
    tags: z.array(z.string()).optional(),
    status: z.array(statusClass).optional(),
    urls: z.array(pattern).optional(),
    /** Share of matching events kept (0..1); the rest are counted as sampled out. */
    sample: z.number().min(0).max(1).optional(),
  })
  .strict();

const redaction = z
  .object({
    enabled: z.boolean().optional(),
    names: z.array(z.string()).optional(),
    patterns: z.array(z.object({ name: z.string(), pattern: textPattern }).strict()).optional(),
    allow: z
      .object({ names: z.array(z.string()).optional(), values: z.array(pattern).optional() })
      .strict()
      .optional(),
    replacement: z.enum(['mask', 'last4', 'hash']).optional(),
    hashKey: z.string().optional(),
    pii: z.boolean().optional(),
    ip: z.boolean().optional(),
  })
  .strict();

/** What `offpath/register` captures. */
export const captureSchema = z
  .object({
    fetch: z.union([z.boolean(), captureOptions]).optional(),
    http: z.union([z.boolean(), captureOptions]).optional(),
    processHealth: z
      .union([
        z.boolean(),
        z
          .object({
            eventLoopLagMs: z.number().nonnegative().optional(),
            heapUsedBytes: z.number().nonnegative().optional(),
            intervalMs: positiveInt.optional(),
            cooldownMs: z.number().nonnegative().optional(),
            uncaught: z.boolean().optional(),
          })
          .strict(),
      ])
      .optional(),
  })
  .strict();

/** The configuration object, in code or in `offpath.config.json|yaml`. */
export const configSchema = z
  .object({
    /** Where an editor finds the JSON Schema of this file (ignored by offpath). */
    $schema: z.string().optional(),
    /** Shown in message footers; stamped on collector and file records (else OFFPATH_SERVICE). */
    service: originFields.service.optional(),
    /** Stamped on collector and file records (else OFFPATH_ENVIRONMENT): `production`, `staging`. */
    environment: originFields.environment.optional(),
    /** Stamped on collector and file records (else OFFPATH_RELEASE): a version, tag or commit. */
    release: originFields.release.optional(),
    /** Stamped on collector and file records (else OFFPATH_HOST, else the machine's hostname). */
    host: originFields.host.optional(),
    destinations: z.array(destinationSchema).min(1, 'configure at least one destination'),
    routes: z.array(routeSchema).optional(),
    /** `critical` events reach every enabled destination whatever the routes say (default true). */
    criticalBypass: z.boolean().optional(),
    limits: z
      .object({
        /** Preallocated at start (two slots per event), hence the ceiling. */
        intakeCapacity: positiveInt.max(1_000_000).optional(),
        memoryBudgetBytes: positiveInt.optional(),
        retryAfterCapMs: positiveInt.optional(),
        sliceMs: z.number().positive().optional(),
        /** Share of one core offpath's pipeline may use; above it, low-level events are refused. */
        cpuBudgetPercent: z.number().positive().max(100).optional(),
        shedBelowLevel: level.optional(),
      })
      .strict()
      .optional(),
    redact: z.union([z.literal(false), redaction]).optional(),
    spool: z
      .object({
        path: z.string().min(1),
        durable: z.union([z.boolean(), z.literal('sync')]).optional(),
        ttlMs: positiveInt.optional(),
        maxBytes: positiveInt.optional(),
        whenBreakerOpen: z.boolean().optional(),
        deadLetters: z
          .object({ ttlMs: positiveInt.optional(), maxBytes: positiveInt.optional() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    closeTimeoutMs: positiveInt.optional(),
    handleSignals: z.boolean().optional(),
    /** Sources that zero-code mode (`offpath/register`) attaches. */
    capture: captureSchema.optional(),
    /** Gateway proxies (`offpath proxy`, `offpath serve`). */
    proxies: proxiesSchema.optional(),
    /** How `offpath serve` listens (docs/SERVE.md). */
    server: serverSchema.optional(),
    /** Shared limits, breakers and digests across processes (docs/SCALE.md). Off when absent. */
    coordination: coordinationSchema.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.destinations.forEach((d, i) => {
      if (names.has(d.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['destinations', i, 'name'],
          message: `duplicate destination name "${d.name}"`,
        });
      }
      names.add(d.name);
    });
    config.destinations.forEach((d, i) => {
      if (d.fallback !== undefined && !names.has(d.fallback)) {
        ctx.addIssue({
          code: 'custom',
          path: ['destinations', i, 'fallback'],
          message: `no destination named "${d.fallback}"`,
        });
      }
      if (d.fallbackOn !== undefined && d.fallback === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['destinations', i, 'fallbackOn'],
          message: 'needs a fallback: name the destination that receives the records',
        });
      }
      if (d.queue?.overflow === 'spool' && !config.spool) {
        ctx.addIssue({
          code: 'custom',
          path: ['destinations', i, 'queue', 'overflow'],
          message: '"spool" needs a top-level spool: {path}',
        });
      }
    });
    const cycle = findFallbackCycle(config.destinations);
    if (cycle)
      ctx.addIssue({
        code: 'custom',
        path: ['destinations'],
        message: `fallbacks form a loop: ${cycle.join(' → ')}`,
      });
    if (config.server?.queue?.type === 'redis' && !config.coordination?.redis) {
      ctx.addIssue({
        code: 'custom',
        path: ['server', 'queue', 'type'],
        message: "'redis' needs coordination.redis, the Redis the replicas share",
        params: { hint: "add coordination: { redis: { url: 'redis://…' } }, or use type 'local'" },
      });
    }
    config.routes?.forEach((route, i) => {
      route.destinations.forEach((name, j) => {
        if (!names.has(name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['routes', i, 'destinations', j],
            message: `no destination named "${name}"`,
          });
        }
      });
    });
  });

/** The configuration as written by a user. */
export type OffpathConfig = z.input<typeof configSchema>;
/** The configuration after validation. */
export type ValidConfig = z.output<typeof configSchema>;
/** One route. */
export type RouteConfig = z.output<typeof routeSchema>;

function findFallbackCycle(
  destinations: ReadonlyArray<{ name: string; fallback?: string | undefined }>,
): string[] | undefined {
  const next = new Map<string, string | undefined>();
  for (const d of destinations) if (!next.has(d.name)) next.set(d.name, d.fallback);
  for (const start of next.keys()) {
    const path = [start];
    for (let cur = next.get(start); cur !== undefined; cur = next.get(cur)) {
      path.push(cur);
      if (cur === start) return path;
      if (path.length > next.size + 1) break;
    }
  }
  return undefined;
}
