/**
 * Turns an ingest body into events: one JSON object, a JSON array of objects, or NDJSON (one object
 * per line). Whole-body failures (invalid UTF-8, unparseable JSON) refuse everything; an item of the
 * wrong shape is refused alone and reported by its index (its line, for NDJSON).
 * @module
 */
import type { OffpathEvent } from '../core/event.js';
import { isLevel, LEVELS } from '../core/level.js';

/** A refused item. */
export interface ItemError {
  readonly index: number;
  readonly message: string;
}

/** The events of a body, or why the body as a whole is refused. */
export type ParsedEvents =
  | {
      readonly ok: true;
      /** Each event with its index in the body. */
      readonly events: ReadonlyArray<{ readonly index: number; readonly event: OffpathEvent }>;
      readonly errors: readonly ItemError[];
    }
  | { readonly ok: false; readonly status: 400 | 415; readonly message: string };

const JSON_TYPES = new Set(['application/json']);
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Media types `/v1/events` accepts. */
export const EVENT_MEDIA_TYPES = [...JSON_TYPES, ...NDJSON_TYPES];

/** Parses a body sent with `contentType`. */
export function parseEvents(body: Uint8Array, contentType: string | undefined): ParsedEvents {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const ndjson = NDJSON_TYPES.has(type);
  if (!ndjson && !JSON_TYPES.has(type)) {
    return {
      ok: false,
      status: 415,
      message: `content-type "${type || '(none)'}" is not accepted: use ${EVENT_MEDIA_TYPES.join(', ')}`,
    };
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, status: 400, message: 'the body is not valid UTF-8; nothing was accepted' };
  }
  return ndjson ? parseLines(text) : parseDocument(text);
}

function parseDocument(text: string): ParsedEvents {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      status: 400,
      message: `the body is not valid JSON (${describe(error)}); nothing was accepted`,
    };
  }
  const items = Array.isArray(value) ? value : [value];
  const events: Array<{ index: number; event: OffpathEvent }> = [];
  const errors: ItemError[] = [];
  items.forEach((item: unknown, index) => {
    const problem = checkEvent(item);
    if (problem) errors.push({ index, message: problem });
    else events.push({ index, event: toEvent(item as Record<string, unknown>) });
  });
  return { ok: true, events, errors };
}

function parseLines(text: string): ParsedEvents {
  const events: Array<{ index: number; event: OffpathEvent }> = [];
  const errors: ItemError[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (error) {
      errors.push({ index, message: `line ${index + 1} is not valid JSON (${describe(error)})` });
      return;
    }
    const problem = checkEvent(item);
    if (problem) errors.push({ index, message: problem });
    else events.push({ index, event: toEvent(item as Record<string, unknown>) });
  });
  return { ok: true, events, errors };
}

/** Why an item is not an event, or undefined when it is one. */
export function checkEvent(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return `an event must be a JSON object, not ${item === null ? 'null' : Array.isArray(item) ? 'an array' : typeof item}`;
  }
  const e = item as Record<string, unknown>;
  if (e['level'] !== undefined && !isLevel(e['level'])) return `level must be one of ${LEVELS.join(', ')}`;
  for (const key of ['title', 'message', 'kind', 'fingerprint'] as const) {
    if (e[key] !== undefined && typeof e[key] !== 'string') return `${key} must be a string`;
  }
  for (const key of ['fields', 'http', 'error'] as const) {
    const v = e[key];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v)))
      return `${key} must be an object`;
  }
  const tags = e['tags'];
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) {
    return 'tags must be an array of strings';
  }
  const time = e['time'];
  if (time !== undefined && !(typeof time === 'number' && Number.isFinite(time)) && !isIsoTime(time)) {
    return 'time must be epoch milliseconds or an ISO 8601 date';
  }
  return undefined;
}

function toEvent(item: Record<string, unknown>): OffpathEvent {
  const time = item['time'];
  // JSON has no dates: an ISO string becomes the epoch milliseconds emit() expects.
  return typeof time === 'string' ? { ...item, time: Date.parse(time) } : (item as OffpathEvent);
}

function isIsoTime(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\d/.test(value) && Number.isFinite(Date.parse(value));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 120) : 'parse error';
}
