/**
 * Converts any value a user can pass into bounded JSON, without ever throwing: cycles, BigInt,
 * Symbols, functions, Buffers and typed arrays, Maps/Sets, class instances, getters that throw,
 * Proxies, `toJSON` that misbehaves, huge strings and lone surrogates.
 * @module
 */
import type { JsonValue } from '../event.js';
import type { Budget } from './budget.js';
import type { NormalizeLimits } from './limits.js';

/** Context of one conversion. */
export interface JsonSafeContext {
  readonly limits: NormalizeLimits;
  readonly budget: Budget;
}

/** Converts `value`; never throws. */
export function toJsonSafe(value: unknown, ctx: JsonSafeContext): JsonValue {
  return convert(value, ctx, 0, new Set<object>());
}

function convert(value: unknown, ctx: JsonSafeContext, depth: number, ancestors: Set<object>): JsonValue {
  try {
    return convertUnsafe(value, ctx, depth, ancestors);
  } catch (error) {
    ctx.budget.truncated = true;
    return `[Thrown: ${describeThrown(error)}]`;
  }
}

function convertUnsafe(
  value: unknown,
  ctx: JsonSafeContext,
  depth: number,
  ancestors: Set<object>,
): JsonValue {
  const { budget, limits } = ctx;
  switch (typeof value) {
    case 'string':
      return budget.take(value, limits.maxStringLength);
    case 'number':
      budget.spend(8);
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      budget.spend(5);
      return value;
    case 'bigint':
      return budget.take(`${value}n`, limits.maxStringLength);
    case 'symbol':
      return budget.take(value.toString(), 200);
    case 'function':
      return budget.take(`[Function ${value.name || 'anonymous'}]`, 200);
    case 'undefined':
      budget.spend(4);
      return null;
  }
  if (value === null) {
    budget.spend(4);
    return null;
  }
  const object = value as object;
  if (ancestors.has(object)) {
    budget.spend(10);
    return '[Circular]';
  }
  if (depth >= limits.maxDepth || budget.remaining <= 0) {
    budget.truncated = true;
    budget.spend(10);
    return '[…]';
  }
  if (object instanceof Date) {
    budget.spend(26);
    return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  }
  if (object instanceof RegExp) return budget.take(String(object), 200);
  if (object instanceof Error) return errorToJson(object, ctx, depth, ancestors);
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) return bytesToJson(object, ctx);
  ancestors.add(object);
  try {
    if (Array.isArray(object)) return listToJson(object, object.length, ctx, depth, ancestors);
    if (object instanceof Set) return listToJson([...object], object.size, ctx, depth, ancestors);
    if (object instanceof Map) return mapToJson(object, ctx, depth, ancestors);
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return convert(toJSON.call(object), ctx, depth + 1, ancestors);
    return objectToJson(object, ctx, depth, ancestors);
  } finally {
    ancestors.delete(object);
  }
}

function listToJson(
  items: ArrayLike<unknown>,
  size: number,
  ctx: JsonSafeContext,
  depth: number,
  ancestors: Set<object>,
): JsonValue {
  const out: JsonValue[] = [];
  const n = Math.min(size, ctx.limits.maxArrayItems);
  for (let i = 0; i < n; i++) {
    if (ctx.budget.remaining <= 0) break;
    out.push(convert(items[i], ctx, depth + 1, ancestors));
    ctx.budget.spend(1);
  }
  if (out.length < size) {
    ctx.budget.truncated = true;
    out.push(`…[${size - out.length} more items]`);
  }
  return out;
}

function mapToJson(
  map: Map<unknown, unknown>,
  ctx: JsonSafeContext,
  depth: number,
  ancestors: Set<object>,
): JsonValue {
  const out: Record<string, JsonValue> = {};
  let kept = 0;
  for (const [k, v] of map) {
    if (kept >= ctx.limits.maxKeys || ctx.budget.remaining <= 0) {
      ctx.budget.truncated = true;
      out['…'] = `[${map.size - kept} more entries]`;
      break;
    }
    const key = typeof k === 'string' ? k : String(convert(k, ctx, depth + 1, ancestors));
    setKey(out, ctx.budget.take(key, 200), convert(v, ctx, depth + 1, ancestors));
    kept++;
  }
  return out;
}

function objectToJson(
  object: object,
  ctx: JsonSafeContext,
  depth: number,
  ancestors: Set<object>,
): JsonValue {
  const out: Record<string, JsonValue> = {};
  const proto: unknown = Object.getPrototypeOf(object);
  const className = classNameOf(proto);
  if (className) out['[class]'] = ctx.budget.take(className, 100);
  const keys = Object.keys(object);
  let kept = 0;
  for (const key of keys) {
    if (kept >= ctx.limits.maxKeys || ctx.budget.remaining <= 0) {
      ctx.budget.truncated = true;
      out['…'] = `[${keys.length - kept} more keys]`;
      break;
    }
    let v: unknown;
    try {
      v = (object as Record<string, unknown>)[key];
    } catch (error) {
      v = `[Thrown: ${describeThrown(error)}]`;
      ctx.budget.truncated = true;
    }
    setKey(out, ctx.budget.take(key, 200), convert(v, ctx, depth + 1, ancestors));
    kept++;
  }
  return out;
}

function classNameOf(proto: unknown): string | undefined {
  if (proto === null || proto === Object.prototype) return undefined;
  const name = (proto as { constructor?: { name?: unknown } } | undefined)?.constructor?.name;
  return typeof name === 'string' && name !== 'Object' && name !== '' ? name : undefined;
}

/** An error nested in fields: name, message, code and a short stack. */
export function errorToJson(
  error: Error,
  ctx: JsonSafeContext,
  depth: number,
  ancestors: Set<object>,
): JsonValue {
  const out: Record<string, JsonValue> = {};
  out['name'] = ctx.budget.take(String(safeRead(error, 'name') ?? 'Error'), 200);
  out['message'] = ctx.budget.take(String(safeRead(error, 'message') ?? ''), ctx.limits.maxStringLength);
  const code = safeRead(error, 'code');
  if (code !== undefined) out['code'] = convert(code, ctx, depth + 1, ancestors);
  const stack = safeRead(error, 'stack');
  if (typeof stack === 'string')
    out['stack'] = ctx.budget.take(stack.split('\n').slice(0, 20).join('\n'), 4_096);
  return out;
}

function bytesToJson(view: ArrayBufferView | ArrayBuffer, ctx: JsonSafeContext): JsonValue {
  const bytes =
    view instanceof ArrayBuffer
      ? new Uint8Array(view)
      : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const kind = view.constructor?.name ?? 'bytes';
  const shown = bytes.subarray(0, 64);
  const more = bytes.length > shown.length ? ` …+${bytes.length - shown.length} bytes` : '';
  return ctx.budget.take(
    `[${kind} ${bytes.length} bytes: ${Buffer.from(shown).toString('hex')}${more}]`,
    400,
  );
}

/** Sets an own property, even one named `__proto__`, without touching the prototype. */
export function setKey(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Reads a property that may be a throwing getter or a Proxy trap. */
export function safeRead(target: unknown, key: string): unknown {
  // Reading from undefined would throw, and a thrown error costs microseconds: check first.
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) return undefined;
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
    return String(error).slice(0, 200);
  } catch {
    return 'unprintable';
  }
}
