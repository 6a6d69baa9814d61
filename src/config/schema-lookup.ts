/**
 * Finds what the config schema says about one place in a config: the schemas at a path, the settings
 * an object there accepts. Messages, suggestions and `${ENV}` conversions are all derived from the
 * schema this way, so a field added to the schema is covered without a list to keep in step.
 * @module
 */
import { z } from 'zod';

/** Any zod schema. */
export type Schema = z.core.$ZodType;

/** Removes wrappers that do not change what a value may be (optional, default, readonly, a pipe's input). */
export function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodReadonly ||
      current instanceof z.ZodNonOptional ||
      current instanceof z.ZodCatch
    ) {
      current = current.unwrap() as Schema;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as Schema;
    } else if (current instanceof z.ZodLazy) {
      current = current.unwrap() as Schema;
    } else {
      return current;
    }
  }
}

/**
 * The forms a value may take: the options of unions, flattened and unwrapped. With `value`, a
 * discriminated union keeps only the option its discriminator names (all of them when none matches).
 */
export function alternatives(schema: Schema, value?: unknown): Schema[] {
  const base = unwrap(schema);
  if (!(base instanceof z.ZodUnion)) return [base];
  let options = base.options as readonly Schema[];
  if (base instanceof z.ZodDiscriminatedUnion && isRecord(value)) {
    const key = base._zod.def.discriminator;
    const chosen = options.filter((option) => discriminatorValues(option, key).has(value[key]));
    if (chosen.length > 0) options = chosen;
  }
  return options.flatMap((option) => alternatives(option, value));
}

/**
 * The schemas describing the value at `path` of `input`. `input` picks the options of discriminated
 * unions on the way (a Discord destination's settings, not a Telegram one's) unless `allBranches`.
 */
export function schemasAt(
  root: Schema,
  path: readonly PropertyKey[],
  input: unknown,
  options: { readonly allBranches?: boolean } = {},
): Schema[] {
  let current: Schema[] = [root];
  let value = input;
  for (const key of path) {
    const next: Schema[] = [];
    for (const schema of current) {
      for (const alt of alternatives(schema, options.allBranches ? undefined : value)) {
        const child = childSchema(alt, key);
        if (child) next.push(child);
      }
    }
    current = next;
    value =
      isRecord(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return current;
}

/** The settings an object at `path` accepts (the union of every form it may take there). */
export function settingsAt(root: Schema, path: readonly PropertyKey[], input: unknown): string[] {
  const keys = new Set<string>();
  for (const schema of schemasAt(root, path, input)) {
    for (const alt of alternatives(schema, valueAt(input, path))) {
      if (alt instanceof z.ZodObject) for (const key of Object.keys(alt.shape)) keys.add(key);
    }
  }
  return [...keys];
}

/**
 * Where else a setting exists, for "`token` is a setting of telegram destinations": the discriminator
 * values of the union options at `path` that accept `key`.
 */
export function branchesWithSetting(
  root: Schema,
  path: readonly PropertyKey[],
  key: string,
): { readonly discriminator: string; readonly values: string[] } | undefined {
  for (const schema of schemasAt(root, path, undefined, { allBranches: true })) {
    const base = unwrap(schema);
    if (!(base instanceof z.ZodDiscriminatedUnion)) continue;
    const discriminator = base._zod.def.discriminator;
    const values = (base.options as readonly Schema[])
      .map(unwrap)
      .filter((option) => option instanceof z.ZodObject && key in option.shape)
      .flatMap((option) => [...discriminatorValues(option, discriminator)].map(String));
    return { discriminator, values };
  }
  return undefined;
}

/** The value at `path` of `input`, or undefined. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (!(isRecord(value) || Array.isArray(value))) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function childSchema(schema: Schema, key: PropertyKey): Schema | undefined {
  if (schema instanceof z.ZodObject && typeof key === 'string')
    return (schema.shape as Record<string, Schema>)[key];
  if (schema instanceof z.ZodArray && typeof key === 'number') return schema.element as Schema;
  if (schema instanceof z.ZodRecord && typeof key === 'string') return schema._zod.def.valueType;
  return undefined;
}

function discriminatorValues(option: Schema, key: string): ReadonlySet<unknown> {
  const base = unwrap(option);
  if (!(base instanceof z.ZodObject)) return new Set();
  const field = unwrap((base.shape as Record<string, Schema>)[key] ?? z.never());
  if (field instanceof z.ZodLiteral) return field.values;
  if (field instanceof z.ZodEnum) return new Set(field.options);
  return new Set();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
