/**
 * `${ENV}` values are text; where the schema wants a number or a boolean, the text is converted. The
 * schema decides, not a list of fields: `"${BATCH_SIZE}"` becomes `50` wherever a number is expected
 * and no string is accepted.
 * @module
 */
import { z } from 'zod';
import { configSchema } from './config-schema.js';
import { alternatives, type Schema, schemasAt, valueAt } from './schema-lookup.js';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** A copy of `config` where each value at one of `paths` is converted when the schema wants it so. */
export function convertEnvValues(
  config: unknown,
  paths: ReadonlyArray<readonly (string | number)[]>,
  root: Schema = configSchema,
): unknown {
  let out = config;
  for (const path of paths) {
    const text = valueAt(out, path);
    if (typeof text !== 'string') continue;
    const converted = convert(
      text.trim(),
      schemasAt(root, path, out).flatMap((s) => alternatives(s)),
    );
    if (converted !== undefined) out = withValue(out, path, converted);
  }
  return out;
}

function convert(text: string, schemas: readonly Schema[]): number | boolean | undefined {
  if (schemas.length === 0 || schemas.some((s) => acceptsText(s, text))) return undefined;
  if (NUMBER.test(text) && schemas.some((s) => s instanceof z.ZodNumber || literalHas(s, Number(text))))
    return Number(text);
  if (
    (text === 'true' || text === 'false') &&
    schemas.some((s) => s instanceof z.ZodBoolean || literalHas(s, text === 'true'))
  )
    return text === 'true';
  return undefined;
}

/** Whether `schema` takes this very text as it is (a string, a matching enum member or literal). */
function acceptsText(schema: Schema, text: string): boolean {
  if (schema instanceof z.ZodString || schema instanceof z.ZodCustom || schema instanceof z.ZodAny)
    return true;
  if (schema instanceof z.ZodEnum) return (schema.options as readonly unknown[]).includes(text);
  return literalHas(schema, text);
}

function literalHas(schema: Schema, value: unknown): boolean {
  return schema instanceof z.ZodLiteral && schema.values.has(value as never);
}

/** A copy with `path` set, sharing untouched branches (the input is never mutated). */
function withValue(value: unknown, path: readonly (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const [key, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[key as number] = withValue(copy[key as number], rest, next);
    return copy;
  }
  const record = value as Record<string, unknown>;
  return { ...record, [key]: withValue(record[key], rest, next) };
}
