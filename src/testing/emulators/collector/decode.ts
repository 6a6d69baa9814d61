/**
 * Decoding of collector bodies: content encodings (gzip, deflate, br) and the three accepted shapes
 * (a JSON array, a single JSON object, NDJSON lines).
 * @module
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { parseJson } from '../body.js';

/** How the items were sent. */
export type BatchFormat = 'json-array' | 'json-object' | 'ndjson';

/** A decoded body or the reason it was refused (with the HTTP status to answer). */
export type DecodedBatch =
  | { readonly ok: true; readonly items: unknown[]; readonly format: BatchFormat }
  | { readonly ok: false; readonly status: number; readonly error: string };

const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
]);

/** Undoes `Content-Encoding`, refusing output above `maxBytes` (a gzip bomb stays a 413, not an OOM). */
export function decodeEncoding(
  body: Buffer,
  encoding: string,
  maxBytes: number,
):
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly status: number; readonly error: string } {
  const name = encoding.trim().toLowerCase();
  try {
    if (name === '' || name === 'identity') return { ok: true, bytes: body };
    if (name === 'gzip' || name === 'x-gzip')
      return { ok: true, bytes: gunzipSync(body, { maxOutputLength: maxBytes }) };
    if (name === 'deflate') return { ok: true, bytes: inflateSync(body, { maxOutputLength: maxBytes }) };
    if (name === 'br') return { ok: true, bytes: brotliDecompressSync(body, { maxOutputLength: maxBytes }) };
  } catch (err) {
    const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    return tooLarge
      ? { ok: false, status: 413, error: 'decoded body too large' }
      : { ok: false, status: 400, error: `invalid ${name} body` };
  }
  return { ok: false, status: 415, error: `unsupported content-encoding ${name}` };
}

/** Splits a decoded body into items according to its media type. */
export function decodeItems(bytes: Buffer, type: string): DecodedBatch {
  const text = bytes.toString('utf8');
  if (NDJSON_TYPES.has(type)) {
    const items: unknown[] = [];
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue;
      const parsed = parseJson(line);
      if (!parsed.ok) return { ok: false, status: 400, error: `invalid JSON on line ${i + 1}` };
      items.push(parsed.value);
    }
    return { ok: true, items, format: 'ndjson' };
  }
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
    return { ok: false, status: 415, error: `unsupported content-type ${type}` };
  }
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, status: 400, error: 'invalid JSON' };
  if (Array.isArray(parsed.value)) return { ok: true, items: parsed.value, format: 'json-array' };
  if (typeof parsed.value === 'object' && parsed.value !== null) {
    return { ok: true, items: [parsed.value], format: 'json-object' };
  }
  return { ok: false, status: 400, error: 'expected a JSON array or object' };
}
