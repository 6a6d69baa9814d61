/**
 * Turns whatever was emitted into an {@link EventRecord}: bounded, JSON-serialisable, safe to format
 * and to store. Runs off the hot path and never throws.
 * @module
 */
import { toMicroseconds } from '../duration.js';
import type { ErrorRecord, EventRecord, HttpRecord, JsonValue } from '../event.js';
import { isLevel, type Level } from '../level.js';
import { uuidV7 } from '../random-id.js';
import { Budget, cut } from './budget.js';
import { headersToList, toBodyRecord } from './http-parts.js';
import { type JsonSafeContext, safeRead, setKey, toJsonSafe } from './json-safe.js';
import { DEFAULT_LIMITS, type NormalizeLimits } from './limits.js';

/** Identity of the event, assigned at `emit()`. */
export interface NormalizeMeta {
  readonly id: number;
  readonly receivedAt: number;
}

/**
 * Normalises one event. Never throws, whatever `input` is.
 * @example
 * const record = normalizeEvent({ level: 'error', message: 'boom', fields: { user } }, { id: 1, receivedAt: Date.now() });
 */
export function normalizeEvent(
  input: unknown,
  meta: NormalizeMeta,
  limits?: Partial<NormalizeLimits>,
): EventRecord {
  return normalizeEventWithSize(input, meta, limits).record;
}

/** Like {@link normalizeEvent}, also returning the approximate size in bytes of the record's JSON. */
export function normalizeEventWithSize(
  input: unknown,
  meta: NormalizeMeta,
  limits?: Partial<NormalizeLimits>,
): { record: EventRecord; bytes: number } {
  const resolved = limits ? { ...DEFAULT_LIMITS, ...limits } : DEFAULT_LIMITS;
  const budget = new Budget(resolved.maxRecordBytes);
  const ctx: JsonSafeContext = { limits: resolved, budget };
  try {
    const record = build(input, meta, ctx);
    return { record, bytes: budget.spent + 200 };
  } catch (error) {
    // Reached only if reading the event itself fails in a way every guard missed.
    const record: EventRecord = {
      id: meta.id,
      uid: uuidV7(meta.receivedAt),
      level: 'warn',
      kind: 'log',
      time: meta.receivedAt,
      message: `[unreadable event: ${error instanceof Error ? error.name : typeof error}]`,
      fields: {},
      tags: [],
      truncated: true,
    };
    return { record, bytes: 300 };
  }
}

function build(input: unknown, meta: NormalizeMeta, ctx: JsonSafeContext): EventRecord {
  const { limits, budget } = ctx;
  const source: unknown = typeof input === 'object' && input !== null ? input : { message: input };
  const read = (key: string): unknown => safeRead(source, key);

  const rawLevel = read('level');
  const level: Level = isLevel(rawLevel) ? rawLevel : 'info';
  const http = normalizeHttp(read('http'), ctx);
  const rawKind = read('kind');
  const kind =
    typeof rawKind === 'string' && rawKind !== '' ? budget.take(rawKind, 64) : http ? 'http' : 'log';
  const title = text(read('title'), limits.maxMessageLength, budget);
  const message = text(read('message'), limits.maxMessageLength, budget);
  const fingerprint = text(read('fingerprint'), 512, budget);
  const error = normalizeError(read('error'), ctx);
  const fields = normalizeFields(read('fields'), ctx);
  if (rawLevel !== undefined && !isLevel(rawLevel))
    setKey(fields, 'offpath.invalidLevel', toJsonSafe(rawLevel, ctx));
  const tags = normalizeTags(read('tags'), ctx);
  const time = normalizeTime(read('time'), meta.receivedAt);
  return {
    id: meta.id,
    uid: uuidV7(meta.receivedAt),
    level,
    kind,
    time,
    ...(title === undefined ? {} : { title }),
    ...(message === undefined ? {} : { message }),
    fields,
    tags,
    ...(fingerprint === undefined ? {} : { fingerprint }),
    ...(error === undefined ? {} : { error }),
    ...(http === undefined ? {} : { http }),
    truncated: budget.truncated,
  };
}

function text(value: unknown, max: number, budget: Budget): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return budget.take(value, max);
  try {
    return budget.take(
      typeof value === 'object' ? (JSON.stringify(value) ?? String(value)) : String(value),
      max,
    );
  } catch {
    return budget.take(Object.prototype.toString.call(value), max);
  }
}

function normalizeTime(value: unknown, fallback: number): number {
  try {
    const t = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Number.NaN;
    return Number.isFinite(t) ? t : fallback;
  } catch {
    return fallback;
  }
}

function normalizeFields(value: unknown, ctx: JsonSafeContext): Record<string, JsonValue> {
  if (value === undefined || value === null) return {};
  const converted = toJsonSafe(value, ctx);
  if (typeof converted === 'object' && converted !== null && !Array.isArray(converted)) return converted;
  return { value: converted };
}

function normalizeTags(value: unknown, ctx: JsonSafeContext): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  try {
    for (const tag of value) {
      if (out.length >= ctx.limits.maxTags) {
        ctx.budget.truncated = true;
        break;
      }
      if (typeof tag === 'string') out.push(ctx.budget.take(tag, 128));
    }
  } catch {
    ctx.budget.truncated = true;
  }
  return out;
}

/** An Error, or a plain `{name, message, stack, code}`; the cause chain is folded into the stack. */
export function normalizeError(value: unknown, ctx: JsonSafeContext): ErrorRecord | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object')
    return { name: 'Error', message: ctx.budget.take(String(value), ctx.limits.maxMessageLength) };
  const name = safeRead(value, 'name');
  const message = safeRead(value, 'message');
  const code = safeRead(value, 'code');
  const stackLines: string[] = [];
  let cause: unknown = value;
  for (let depth = 0; cause && typeof cause === 'object' && depth < 5; depth++) {
    const stack = safeRead(cause, 'stack');
    const header =
      depth === 0
        ? ''
        : `Caused by: ${String(safeRead(cause, 'name') ?? 'Error')}: ${String(safeRead(cause, 'message') ?? '')}`;
    if (header) stackLines.push(header);
    if (typeof stack === 'string') stackLines.push(...stack.split('\n').slice(depth === 0 ? 0 : 1));
    cause = safeRead(cause, 'cause');
  }
  const errors = safeRead(value, 'errors');
  if (Array.isArray(errors)) {
    for (const inner of errors.slice(0, 5))
      stackLines.push(
        `Aggregated: ${String(safeRead(inner, 'name') ?? 'Error')}: ${String(safeRead(inner, 'message') ?? '')}`,
      );
  }
  let stack = stackLines.slice(0, ctx.limits.maxStackLines).join('\n');
  if (stackLines.length > ctx.limits.maxStackLines) {
    ctx.budget.truncated = true;
    stack += `\n…[${stackLines.length - ctx.limits.maxStackLines} more lines]`;
  }
  return {
    name: ctx.budget.take(typeof name === 'string' && name ? name : 'Error', 200),
    message: ctx.budget.take(
      typeof message === 'string' ? message : String(message ?? ''),
      ctx.limits.maxMessageLength,
    ),
    ...(stack ? { stack: ctx.budget.take(stack, ctx.limits.maxMessageLength) } : {}),
    ...(code === undefined || code === null ? {} : { code: ctx.budget.take(String(code), 200) }),
  };
}

function normalizeHttp(value: unknown, ctx: JsonSafeContext): HttpRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { limits, budget } = ctx;
  const request = safeRead(value, 'request');
  const response = safeRead(value, 'response');
  const failure = safeRead(value, 'error');
  const asked = Number(safeRead(value, 'maxBodyBytes'));
  const maxBodyBytes = asked >= 0 ? Math.min(asked, limits.maxBodyBytes) : limits.maxBodyBytes;
  const body = (b: unknown) => toBodyRecord(isPlainData(b) ? toJsonSafe(b, ctx) : b, maxBodyBytes, budget);
  const method = safeRead(request, 'method');
  const url = safeRead(request, 'url');
  const status = Number(safeRead(response, 'status'));
  const duration = Number(safeRead(response, 'durationMs'));
  const errorMessage = safeRead(failure, 'message');
  const errorCode = safeRead(failure, 'code');
  const reqBody = body(safeRead(request, 'body'));
  const resBody = body(safeRead(response, 'body'));
  return {
    request: {
      method: budget.take(typeof method === 'string' && method ? method.toUpperCase() : 'GET', 32),
      url: budget.take(typeof url === 'string' ? url : url instanceof URL ? url.href : '', 8_192),
      headers: headersToList(safeRead(request, 'headers'), limits.maxHeaders),
      ...(reqBody ? { body: reqBody } : {}),
    },
    ...(typeof response === 'object' && response !== null && Number.isInteger(status)
      ? {
          response: {
            status,
            headers: headersToList(safeRead(response, 'headers'), limits.maxHeaders),
            ...(resBody ? { body: resBody } : {}),
            ...(Number.isFinite(duration) ? { durationMs: toMicroseconds(duration) } : {}),
          },
        }
      : {}),
    ...(typeof failure === 'object' && failure !== null
      ? {
          error: {
            message: cut(String(errorMessage ?? 'request failed'), 2_000),
            ...(errorCode === undefined ? {} : { code: cut(String(errorCode), 100) }),
          },
        }
      : {}),
  };
}

/** Plain objects and arrays go through the JSON-safe conversion; strings and bytes are kept as they are. */
function isPlainData(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof safeRead(value, 'pipe') === 'function' || typeof safeRead(value, 'getReader') === 'function')
    return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof URLSearchParams)
    return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}
