/**
 * Turns an Execute Webhook body into a payload object: JSON, form-urlencoded or multipart (`payload_json`
 * plus `files[n]`), the three content types Discord accepts.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isObject, mediaType, parseForm, parseJson, parseMultipart, type UploadedFile } from '../body.js';

/** A decoded body, or why it could not be decoded. */
export type DecodedPayload =
  | { readonly ok: true; readonly payload: Record<string, unknown>; readonly files: readonly UploadedFile[] }
  | { readonly ok: false; readonly reason: 'content-type' | 'invalid-json' | 'not-object' };

/** Decodes a body according to its Content-Type. */
export async function decodeExecuteBody(body: Buffer, headers: IncomingHttpHeaders): Promise<DecodedPayload> {
  const type = mediaType(headers);
  if (body.length === 0 && (type === '' || type === 'application/json'))
    return { ok: true, payload: {}, files: [] };
  if (type === 'application/json') return fromJson(body.toString('utf8'), []);
  if (type === 'application/x-www-form-urlencoded') return fromFields(new Map(parseForm(body)), []);
  if (type === 'multipart/form-data') {
    const multipart = await parseMultipart(body, headers['content-type'] ?? '');
    if (!multipart) return { ok: false, reason: 'content-type' };
    return fromFields(multipart.fields, multipart.files);
  }
  return { ok: false, reason: 'content-type' };
}

function fromJson(text: string, files: readonly UploadedFile[]): DecodedPayload {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, reason: 'invalid-json' };
  if (!isObject(parsed.value)) return { ok: false, reason: 'not-object' };
  return { ok: true, payload: parsed.value, files };
}

function fromFields(fields: ReadonlyMap<string, string>, files: readonly UploadedFile[]): DecodedPayload {
  const json = fields.get('payload_json');
  if (json !== undefined) return fromJson(json, files);
  const payload: Record<string, unknown> = {};
  for (const [key, value] of fields) {
    payload[key] = key === 'tts' ? ['true', '1', 'True'].includes(value) : value;
  }
  return { ok: true, payload, files };
}
