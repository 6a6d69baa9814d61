/**
 * Turns schema failures into messages a person can act on: which field, what is wrong, how to fix it.
 * @module
 */
import type { z } from 'zod';
import { ConfigError } from '../resilience/errors.js';
import { configSchema, type ValidConfig } from './config-schema.js';

/**
 * Validates a configuration synchronously.
 * @throws ConfigError listing every problem as `path: problem (fix)`.
 * @example
 * const config = validateConfig({ destinations: [{ name: 'ops', type: 'discord', url: process.env.DISCORD_URL }] });
 */
export function validateConfig(input: unknown): ValidConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => describeIssue(issue));
  throw new ConfigError(`invalid offpath config:\n  - ${issues.join('\n  - ')}`, issues);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  const where = path === '' ? 'config' : path;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(issue.path);
      return issue.keys
        .map((key) => {
          const hint = closest(key, known);
          return `${joinPath(path, key)}: unknown setting (${hint ? `did you mean "${hint}"?` : 'remove it'})`;
        })
        .join('; ');
    }
    case 'invalid_type':
      if (issue.input === undefined) return `${where}: is required (add it)`;
      return `${where}: ${issue.message.toLowerCase()} (fix the value's type)`;
    case 'invalid_union':
      return `${where}: ${issue.message} (see docs/CONFIG.md for the accepted forms)`;
    default:
      return `${where}: ${issue.message}`;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Keys a user most likely meant: those present in a valid object at the same place. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  const top = [
    'service',
    'destinations',
    'routes',
    'limits',
    'redact',
    'spool',
    'closeTimeoutMs',
    'handleSignals',
  ];
  if (path.length === 0) return top;
  const destination = [
    'name',
    'type',
    'minLevel',
    'enabled',
    'queue',
    'batch',
    'retry',
    'breaker',
    'rateLimits',
    'sendTimeoutMs',
    'maxEventAgeMs',
    'fallback',
    'url',
    'username',
    'avatarUrl',
    'threadId',
    'token',
    'chatId',
    'messageThreadId',
    'disableNotification',
    'apiUrl',
    'format',
    'gzip',
    'headers',
    'stream',
    'style',
    'color',
    'path',
    'maxBytes',
    'maxFiles',
    'sink',
  ];
  const byHead: Record<string, string[]> = {
    destinations: destination,
    routes: ['destinations', 'minLevel', 'levels', 'kinds', 'tags', 'status', 'urls'],
    limits: [
      'intakeCapacity',
      'memoryBudgetBytes',
      'retryAfterCapMs',
      'sliceMs',
      'cpuBudgetPercent',
      'shedBelowLevel',
    ],
    spool: ['path', 'durable', 'ttlMs', 'maxBytes', 'whenBreakerOpen', 'deadLetters'],
    redact: ['enabled', 'names', 'patterns', 'allow', 'replacement', 'hashKey', 'pii', 'ip'],
  };
  const last = path.at(-1);
  if (typeof last === 'string' && last === 'queue') return ['maxItems', 'maxBytes', 'overflow'];
  if (typeof last === 'string' && last === 'batch') return ['maxSize', 'maxDelayMs'];
  if (typeof last === 'string' && last === 'deadLetters') return ['ttlMs', 'maxBytes'];
  return byHead[String(path[0])] ?? [];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
