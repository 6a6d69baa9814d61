/**
 * One validation path, checked field by field: every setting the schema has (found by walking it, so
 * fields added later are covered too) is given hostile values, and each config must either pass
 * validation and then build (instance and capture sources) without throwing, or fail validation with
 * the very error `createOffpath` throws, a ConfigError.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../config/config-schema.js';
import { alternatives, type Schema } from '../config/schema-lookup.js';
import { validateConfig } from '../config/validate-config.js';
import { ConfigError } from '../resilience/errors.js';
import { fetchSource } from '../sources/fetch-source.js';
import { httpSource } from '../sources/http-source.js';
import { createOffpath } from './create-offpath.js';

const dir = mkdtempSync(join(tmpdir(), 'offpath-one-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASES = [
  { name: 'd', type: 'discord', url: 'http://127.0.0.1:9/api/webhooks/1/tok' },
  { name: 't', type: 'telegram', token: '1:abc', chatId: 1, apiUrl: 'http://127.0.0.1:9' },
  { name: 's', type: 'slack', url: 'http://127.0.0.1:9/services/T/B/x' },
  { name: 'h', type: 'http', url: 'http://127.0.0.1:9/in' },
  { name: 'c', type: 'console' },
  { name: 'f', type: 'file', path: join(dir, 'events.ndjson') },
  { name: 'm', type: 'memory' },
];

const HOSTILE: readonly unknown[] = [
  '',
  'x',
  '(',
  '/(/',
  '{{/a}}',
  'https://a.io/x',
  '12:ab',
  -1,
  0,
  0.5,
  1e15,
  true,
  null,
  ['(', 1],
  { x: 1 },
];

/** Paths to every leaf under `schema` (objects, union options, one element of lists and records). */
function leafPaths(schema: Schema, prefix: readonly PropertyKey[], depth = 0): PropertyKey[][] {
  if (depth > 8) return [];
  const paths: PropertyKey[][] = [prefix as PropertyKey[]];
  for (const alt of alternatives(schema)) {
    if (alt instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(alt.shape as Record<string, Schema>)) {
        if (key !== 'type') paths.push(...leafPaths(child, [...prefix, key], depth + 1));
      }
    } else if (alt instanceof z.ZodArray) {
      paths.push(...leafPaths(alt.element as Schema, [...prefix, 0], depth + 1));
    } else if (alt instanceof z.ZodRecord) {
      paths.push(...leafPaths(alt._zod.def.valueType, [...prefix, 'key'], depth + 1));
    }
  }
  return paths;
}

function setAt(root: Record<string, unknown>, path: readonly PropertyKey[], given: unknown): void {
  // Files (a file destination, the spool) are created: keep every one of them in the test's folder.
  const value =
    path.at(-1) === 'path' && typeof given === 'string' && given !== '' ? join(dir, given) : given;
  let node: Record<PropertyKey, unknown> = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const existing = node[key];
    const next = typeof path[i + 1] === 'number' ? [] : {};
    node[key] =
      typeof existing === 'object' && existing !== null && Array.isArray(existing) === Array.isArray(next)
        ? existing
        : next;
    node = node[key] as Record<PropertyKey, unknown>;
  });
}

/** What zero-code mode does with a valid config: the instance, then the capture sources. */
async function build(config: unknown): Promise<void> {
  const offpath = createOffpath(config as Parameters<typeof createOffpath>[0]);
  try {
    const capture = offpath.config.capture ?? {};
    const options = (v: unknown) => (typeof v === 'object' && v !== null ? v : {});
    if (capture.fetch !== false) fetchSource(options(capture.fetch));
    if (capture.http !== false) httpSource(options(capture.http));
  } finally {
    await offpath.close({ timeoutMs: 50 });
  }
}

function cases(): Array<{ label: string; config: Record<string, unknown> }> {
  const out: Array<{ label: string; config: Record<string, unknown> }> = [];
  const top = leafPaths(configSchema, []).filter((p) => p.length > 0 && p[0] !== 'destinations');
  const destination = (configSchema.shape.destinations as unknown as z.ZodArray).element as Schema;
  const shapeOf = (base: object) =>
    alternatives(destination, base).flatMap((alt) =>
      alt instanceof z.ZodObject ? [alt.shape as object] : [],
    );
  const common = new Set(Object.keys(shapeOf(BASES.at(-1)!)[0] ?? {}));
  for (const base of BASES) {
    // Settings every destination has are tried on the last base (memory); each type's own on it.
    const own = leafPaths(destination, [])
      .filter((p) => p.length > 0)
      .filter((p) => shapeOf(base).some((shape) => (p[0] as string) in shape))
      .filter((p) => base === BASES.at(-1) || !common.has(p[0] as string));
    for (const path of own) {
      for (const value of HOSTILE) {
        const config = { destinations: [structuredClone(base)] } as Record<string, unknown>;
        setAt(config, ['destinations', 0, ...path], value);
        out.push({ label: `${base.type} ${path.join('.')} = ${JSON.stringify(value)}`, config });
      }
    }
  }
  for (const path of top) {
    for (const value of HOSTILE) {
      const config = { destinations: [{ name: 'm', type: 'memory' }] } as Record<string, unknown>;
      setAt(config, path, value);
      out.push({ label: `${path.join('.')} = ${JSON.stringify(value)}`, config });
    }
  }
  return out;
}

describe('one validation path', () => {
  it('rejects in validation whatever the instance or its sources would throw on, always as a ConfigError', async () => {
    const all = cases();
    const disagreements: string[] = [];
    let valid = 0;
    for (const { label, config } of all) {
      let validation: unknown;
      try {
        validateConfig(config);
        valid++;
      } catch (error) {
        validation = error;
      }
      let building: unknown;
      try {
        await build(config);
      } catch (error) {
        building = error;
      }
      if (validation !== undefined && !(validation instanceof ConfigError))
        disagreements.push(`${label}: validateConfig threw ${String(validation)}`);
      if (building !== undefined && !(building instanceof ConfigError))
        disagreements.push(`${label}: building threw ${String(building)}`);
      if ((validation === undefined) !== (building === undefined))
        disagreements.push(
          `${label}: validation ${validation ? 'failed' : 'passed'}, building ${building ? `threw ${String(building)}` : 'passed'}`,
        );
      else if (validation instanceof ConfigError && building instanceof ConfigError)
        expect(building.message).toBe(validation.message);
    }
    expect(disagreements).toEqual([]);
    // The walk reached the schema's settings, and hostile values were both refused and accepted.
    expect(all.length).toBeGreaterThan(1_000);
    expect(valid).toBeGreaterThan(100);
  }, 240_000);
});
