/**
 * Reads Bot API method parameters from the query string and a JSON, form or multipart body, as the real
 * server accepts all of them.
 * @module
 */

import { isObject, mediaType, parseForm, parseJson, parseMultipart } from '../body.js';
import type { EmulatorRequest } from '../server.js';

/** Parameters, or why the body could not be read. */
export type ReadParams =
  | { readonly ok: true; readonly params: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string };

/** Merges query parameters with the body's (the body wins). */
export async function readParams(req: EmulatorRequest): Promise<ReadParams> {
  const params: Record<string, unknown> = { ...req.query };
  if (req.body.length === 0) return { ok: true, params };
  const type = mediaType(req.headers);
  if (type === 'application/json') {
    const parsed = parseJson(req.body.toString('utf8'));
    if (!parsed.ok || !isObject(parsed.value)) return { ok: false, reason: "can't parse JSON object" };
    return { ok: true, params: { ...params, ...parsed.value } };
  }
  if (type === 'multipart/form-data') {
    const multipart = await parseMultipart(req.body, req.headers['content-type'] ?? '');
    if (!multipart) return { ok: false, reason: "can't parse multipart/form-data" };
    return { ok: true, params: { ...params, ...Object.fromEntries(multipart.fields) } };
  }
  return { ok: true, params: { ...params, ...Object.fromEntries(parseForm(req.body)) } };
}

/** A Bot API boolean: `true`, `"true"`, `"1"` or `1`. */
export function flag(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === '1' || value === 'True';
}

/** A string parameter (numbers are accepted and stringified, as the real server does). */
export function stringParam(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}
