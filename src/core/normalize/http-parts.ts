/**
 * Headers and bodies as HTTP clients hold them, turned into ordered header lists and byte-capped
 * body excerpts. Streams, blobs and form data are described, never read: reading them would consume
 * the application's own data.
 * @module
 */
import type { BodyRecord, HeaderList } from '../event.js';
import { type Budget, wellFormed } from './budget.js';
import { safeRead } from './json-safe.js';

/**
 * Accepts a plain object (array values become repeated headers), an array of pairs, a flat
 * `rawHeaders`-style array, or anything with `forEach(value, name)` (WHATWG Headers, Map).
 * Names keep their case and order. Never throws.
 */
export function headersToList(input: unknown, maxHeaders = 100): HeaderList {
  const out: Array<readonly [string, string]> = [];
  const add = (name: unknown, value: unknown): void => {
    if (out.length >= maxHeaders || value === undefined || value === null) return;
    out.push([String(name).slice(0, 256), String(value).slice(0, 8_192)]);
  };
  try {
    if (input === null || input === undefined) return out;
    if (Array.isArray(input)) {
      if (input.every((item) => typeof item === 'string')) {
        for (let i = 0; i + 1 < input.length; i += 2) add(input[i], input[i + 1]);
      } else {
        for (const pair of input) if (Array.isArray(pair)) add(pair[0], pair[1]);
      }
      return out;
    }
    const forEach = safeRead(input, 'forEach');
    if (typeof forEach === 'function' && !(input.constructor === Object)) {
      forEach.call(input, (value: unknown, name: unknown) => add(name, value));
      return out;
    }
    if (typeof input === 'object') {
      for (const name of Object.keys(input)) {
        const value = safeRead(input, name);
        if (Array.isArray(value)) for (const v of value) add(name, v);
        else add(name, value);
      }
    }
  } catch {
    // Keep what was read before the failure.
  }
  return out;
}

/** A byte-capped excerpt of a body, or undefined when there is none. Never throws. */
export function toBodyRecord(body: unknown, maxBytes: number, budget?: Budget): BodyRecord | undefined {
  try {
    if (body === undefined || body === null) return undefined;
    const cap = Math.max(0, Math.min(maxBytes, budget ? budget.remaining : maxBytes));
    if (typeof body === 'string') return textBody(body, cap, budget);
    if (body instanceof URLSearchParams) return textBody(body.toString(), cap, budget);
    const bytes = asBytes(body);
    if (bytes) return bytesBody(bytes, cap, budget);
    const placeholder = describeOpaque(body);
    if (placeholder) return { data: placeholder, encoding: 'utf8', truncated: true };
    // Callers pass objects already made JSON-safe; anything else that fails here is caught below.
    return textBody(JSON.stringify(body) ?? String(body), cap, budget);
  } catch {
    return { data: '[unreadable body]', encoding: 'utf8', truncated: true };
  }
}

function textBody(text: string, cap: number, budget?: Budget): BodyRecord {
  const size = Buffer.byteLength(text);
  const data = size <= cap ? text : cutBytes(text, cap);
  budget?.spend(data.length);
  if (budget && data !== text) budget.truncated = true;
  return { data: wellFormed(data), encoding: 'utf8', size, truncated: data !== text };
}

function bytesBody(bytes: Uint8Array, cap: number, budget?: Budget): BodyRecord {
  const head = bytes.subarray(0, cap);
  const truncated = head.length < bytes.length;
  if (truncated && budget) budget.truncated = true;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    // A cut may split a multi-byte character: decode in streaming mode so the tail is not an error.
    const text = decoder.decode(head, { stream: truncated });
    budget?.spend(text.length);
    return { data: text, encoding: 'utf8', size: bytes.length, truncated };
  } catch {
    const data = Buffer.from(head).toString('base64');
    budget?.spend(data.length);
    return { data, encoding: 'base64', size: bytes.length, truncated };
  }
}

function asBytes(body: unknown): Uint8Array | undefined {
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

function describeOpaque(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const tag = Object.prototype.toString.call(body);
  if (typeof safeRead(body, 'pipe') === 'function' || typeof safeRead(body, 'getReader') === 'function')
    return '[stream body not captured]';
  if (tag === '[object Blob]' || tag === '[object File]')
    return `[blob body, ${String(safeRead(body, 'size'))} bytes, not captured]`;
  if (tag === '[object FormData]') return '[form-data body not captured]';
  return undefined;
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
function cutBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text);
  let end = Math.min(maxBytes, buf.length);
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && end < buf.length && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
