/**
 * What a live reload changes: which destinations keep their lane (queue, breaker, limiter untouched),
 * which are added, and which are retired (drained, the rest spooled). Settings that shape the whole
 * pipeline (spool, limits, redaction, coordination) cannot change while it runs.
 * @module
 */
import type { ValidConfig } from '../config/config-schema.js';
import { ConfigError } from '../resilience/errors.js';

/** The destinations a reload touches, by name. */
export interface ReconfigurePlan {
  /** Unchanged: same lane, same queue and breaker. */
  readonly kept: readonly string[];
  /** New names. */
  readonly added: readonly string[];
  /** Same name, different settings: the old lane drains while a new one takes new events. */
  readonly changed: readonly string[];
  /** Gone or disabled: drained, then what is left goes to the spool. */
  readonly removed: readonly string[];
}

/** Top-level settings only a restart applies. */
const RESTART_ONLY = ['spool', 'limits', 'redact', 'capture', 'coordination'] as const;

/**
 * Compares two valid configs.
 * @throws ConfigError when a restart-only setting differs (the running config stays as it is).
 */
export function planReconfigure(current: ValidConfig, next: ValidConfig): ReconfigurePlan {
  const differs = RESTART_ONLY.filter((key) => !sameValue(current[key], next[key]));
  if (differs.length > 0) {
    throw ConfigError.fromIssues(
      'these settings cannot change while running (the running config is unchanged)',
      differs.map((key) => ({ path: key, message: 'changed', hint: 'restart to apply it' })),
    );
  }
  const before = identities(current);
  const after = identities(next);
  const kept: string[] = [];
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [name, id] of after) {
    const old = before.get(name);
    if (old === undefined) added.push(name);
    else if (old === id) kept.push(name);
    else changed.push(name);
  }
  for (const name of before.keys()) if (!after.has(name)) removed.push(name);
  return { kept, added, changed, removed };
}

/** Enabled destinations and what makes each one itself (its settings and the origin it stamps). */
function identities(config: ValidConfig): Map<string, string> {
  const { service, environment, release, host } = config;
  return new Map(
    config.destinations
      .filter((d) => d.enabled !== false)
      .map((d) => [d.name, stableJson({ destination: d, service, environment, release, host })]),
  );
}

function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

/** JSON with sorted keys; RegExps and functions are written out so two different ones never compare equal. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
    if (typeof v === 'function') return `[function ${v.name}]`;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    }
    return v;
  });
}
