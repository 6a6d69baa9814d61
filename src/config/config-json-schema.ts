/**
 * The JSON Schema of config files, generated from the zod schema (the one source of truth) for editors:
 * completion, hover and inline errors in `offpath.config.json|yaml`. Published as
 * `offpath/config-schema.json`, written by `npm run build` (scripts/write-config-schema.mjs).
 * @module
 */
import { z } from 'zod';
import { configSchema } from './config-schema.js';

type JsonSchema = { [key: string]: unknown };

/** A whole `${VAR}` or `${VAR:-default}` reference, which the loader replaces before validation. */
const ENV_REFERENCE: JsonSchema = {
  type: 'string',
  pattern: '^\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}$',
  description: 'an environment variable, replaced (and converted) when the file is loaded',
};

/**
 * The JSON Schema (draft 2020-12) of a config file. Code-only forms (a RegExp, a custom Sink) are left
 * out, and every constrained value also accepts a `${VAR}` reference, as the loader does.
 */
export function configJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'offpath config',
    description:
      'offpath.config.json|yaml: destinations, routes, limits, redaction, spool and capture (docs/CONFIG.md)',
    ...(forFiles(rest) as JsonSchema),
    $defs: { envReference: ENV_REFERENCE },
  };
}

function forFiles(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forFiles);
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) out[key] = forFiles(value);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = out[key];
    if (!Array.isArray(options)) continue;
    const kept = options.filter((o) => !isCodeOnly(o));
    if (kept.length === 1) {
      delete out[key];
      Object.assign(out, kept[0]);
    } else out[key] = kept;
  }
  return isConstrainedLeaf(out) ? { anyOf: [out, { $ref: '#/$defs/envReference' }] } : out;
}

/** `{}` stands for a RegExp; a destination of type `custom` holds a Sink object. */
function isCodeOnly(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  if (Object.keys(schema).length === 0) return true;
  const type = (schema as { properties?: { type?: { const?: unknown } } }).properties?.type;
  return type?.const === 'custom';
}

/**
 * A value a `${VAR}` reference would not pass as written: numbers, booleans, enums, patterns. A string
 * `const` is a destination's `type`, which tells the destination kinds apart: it stays literal.
 */
function isConstrainedLeaf(schema: JsonSchema): boolean {
  const type = schema['type'];
  if (type === 'number' || type === 'integer' || type === 'boolean') return true;
  return type === 'string' && ('enum' in schema || 'pattern' in schema);
}
