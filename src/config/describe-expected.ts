/**
 * What a schema accepts, in words: "a positive integer", "one of defaults, aggressive, noRetry, or an
 * object". Read from the schema itself (numbers' bounds through its JSON Schema), so new fields are
 * described without anyone writing their message.
 * @module
 */
import { z } from 'zod';
import { alternatives, type Schema } from './schema-lookup.js';

/** The words for what any of `schemas` accepts. */
export function describeExpected(schemas: readonly Schema[]): string {
  const choices: string[] = [];
  const others: string[] = [];
  for (const alt of schemas.flatMap((s) => alternatives(s))) {
    const values = choiceValues(alt);
    if (values) choices.push(...values.map(String));
    else others.push(describeOne(alt));
  }
  const uniqueChoices = [...new Set(choices)];
  const uniqueOthers = [...new Set(others)];
  if (uniqueChoices.length === 0) return orList(uniqueOthers) || 'a valid value';
  if (uniqueOthers.length === 0)
    return uniqueChoices.length === 1 ? uniqueChoices[0]! : `one of ${uniqueChoices.join(', ')}`;
  if (uniqueChoices.length === 1) return `${uniqueChoices[0]} or ${orList(uniqueOthers)}`;
  return `one of ${uniqueChoices.join(', ')}, or ${orList(uniqueOthers)}`;
}

/** A found value in words: `"ten"`, `5`, `a list`, `an object`. Long strings are cut. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value instanceof RegExp) return 'a RegExp';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

/** The values of an enum, literal or boolean (things a user picks from), else undefined. */
export function choiceValues(schema: Schema): unknown[] | undefined {
  if (schema instanceof z.ZodEnum) return [...schema.options];
  if (schema instanceof z.ZodLiteral) return [...schema.values];
  if (schema instanceof z.ZodBoolean) return [true, false];
  return undefined;
}

function describeOne(schema: Schema): string {
  if (schema instanceof z.ZodNumber) return describeNumber(schema);
  if (schema instanceof z.ZodString) return describeString(schema);
  if (schema instanceof z.ZodArray) {
    const element = describeExpected([schema.element as Schema]);
    const simple = /^an? (string|number|integer|positive integer)$/.exec(element);
    const { minItems } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as { minItems?: number };
    const list = (minItems ?? 0) > 0 ? 'a non-empty list' : 'a list';
    return simple ? `${list} of ${simple[1]}s` : list;
  }
  if (schema instanceof z.ZodObject || schema instanceof z.ZodRecord || schema instanceof z.ZodUnion)
    return 'an object';
  if (schema instanceof z.ZodCustom) {
    const cls = (schema._zod.bag as { Class?: { name?: string } }).Class;
    return cls?.name ? `a ${cls.name}` : 'a valid value';
  }
  return 'a valid value';
}

interface NumberBounds {
  readonly type?: string;
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  readonly exclusiveMaximum?: number;
}

function describeNumber(schema: z.ZodNumber): string {
  const json = z.toJSONSchema(schema) as NumberBounds;
  const noun = json.type === 'integer' ? 'integer' : 'number';
  // Integers carry the safe-integer range as bounds: that is not something to tell a user.
  const max = json.maximum === Number.MAX_SAFE_INTEGER ? undefined : json.maximum;
  const min = json.minimum === Number.MIN_SAFE_INTEGER ? undefined : json.minimum;
  const { exclusiveMinimum: above, exclusiveMaximum: below } = json;
  const upper = max === undefined && below === undefined;
  if (above === 0 && upper) return `a positive ${noun}`;
  if (min === 0 && upper) return `a ${noun} of at least 0`;
  const article = noun === 'integer' ? 'an' : 'a';
  if (min !== undefined && max !== undefined) return `${article} ${noun} from ${min} to ${max}`;
  const parts: string[] = [];
  if (min !== undefined) parts.push(`at least ${min}`);
  if (above !== undefined) parts.push(`above ${above}`);
  if (max !== undefined) parts.push(`at most ${max}`);
  if (below !== undefined) parts.push(`below ${below}`);
  return parts.length === 0 ? `${article} ${noun}` : `${article} ${noun} ${parts.join(' and ')}`;
}

function describeString(schema: z.ZodString): string {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? undefined;
  if (max !== undefined) return `a string of ${min > 0 ? `${min} to ` : 'at most '}${max} characters`;
  return min > 0 ? 'a non-empty string' : 'a string';
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
