/**
 * What each entry point exposes, and what importing the main one loads: the instance, sinks, sources,
 * errors and seam types in `offpath`; the standalone kit in `offpath/resilience`; the gateway in
 * `offpath/gateway`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as gateway from '../../src/gateway/index.js';
import * as main from '../../src/index.js';
import * as resilience from '../../src/resilience/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const KIT = [
  'CircuitBreaker',
  'circuitBreakerPresets',
  'RateLimiter',
  'RetryPolicy',
  'retryPresets',
  'RetryBudget',
  'MetricsCollector',
  'withTimeout',
  'TypedEmitter',
  'sleep',
  'systemClock',
  'backoffDelayMs',
  'capRetryAfter',
  'parseRetryAfterHeader',
  'discordRetryAfterMs',
  'telegramRetryAfterMs',
  'readRateLimitHeaders',
  'DEFAULT_RETRYABLE_ERROR_CODES',
];
const ERRORS = [
  'OffpathError',
  'NetworkError',
  'TimeoutError',
  'AuthenticationError',
  'BadRequestError',
  'RateLimitedError',
  'ServerError',
  'CircuitOpenError',
  'DestinationGoneError',
  'ConfigError',
  'SinkFailedError',
  'isOffpathError',
  'formatConfigIssue',
];

/**
 * What importing a file loads: its static imports and re-exports that are not type-only, followed
 * through the sources, and the packages among them.
 */
function runtimeGraph(entry: string): { files: string[]; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  visit(join(root, entry));
  return { files: [...seen].map((f) => relative(root, f).split('\\').join('/')), packages };
}

describe('entry points', () => {
  it('offpath: the instance, sinks, sources and errors; no kit, no gateway', () => {
    for (const name of [
      'createOffpath',
      'validateConfig',
      'httpSink',
      'discordSink',
      'fetchSource',
      'toCurl',
    ]) {
      expect(main, name).toHaveProperty(name);
    }
    for (const name of ERRORS) expect(main, name).toHaveProperty(name);
    for (const name of [...KIT, 'createGateway', 'startGateway', 'feedMetrics']) {
      expect(main, name).not.toHaveProperty(name);
    }
  });

  it('offpath/resilience: the kit, with the same error classes as the main entry', () => {
    for (const name of [...KIT, ...ERRORS]) expect(resilience, name).toHaveProperty(name);
    expect(resilience.NetworkError).toBe(main.NetworkError);
    expect(resilience).not.toHaveProperty('createOffpath');
  });

  it('offpath/gateway: the gateway alone', () => {
    expect(Object.keys(gateway).sort()).toEqual(['createGateway', 'startGateway']);
  });

  it('package.json maps each subpath to its built entry, for every resolution mode', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
      typesVersions: { '*': Record<string, string[]> };
    };
    for (const [subpath, dir] of [
      ['resilience', 'resilience'],
      ['gateway', 'gateway'],
    ] as const) {
      expect(pkg.exports[`./${subpath}`]).toEqual({
        types: `./dist/${dir}/index.d.ts`,
        default: `./dist/${dir}/index.js`,
      });
      expect(pkg.typesVersions['*'][subpath]).toEqual([`dist/${dir}/index.d.ts`]);
    }
  });

  it('importing offpath loads neither the gateway, the relay, the services nor the metrics collector', () => {
    const { files, packages } = runtimeGraph('src/index.ts');
    expect(files).toContain('src/instance/create-offpath.ts');
    expect(files.filter((f) => /^src\/(gateway|relay|server|cli|demo)\//.test(f))).toEqual([]);
    expect(files).not.toContain('src/resilience/telemetry.ts');
    expect(files).not.toContain('src/resilience/index.ts');
    // Loaded when used: undici by the first network destination, SQLite by a spool, YAML by a YAML
    // config, ioredis by a `coordination.redis` section.
    expect(packages).toContain('zod');
    for (const name of ['undici', 'better-sqlite3', 'yaml', 'commander', 'ioredis'])
      expect(packages).not.toContain(name);
  });
});
