/**
 * Fingerprints group repeats of the same problem: the same failing endpoint with different ids, the
 * same log line with different numbers. An explicit `fingerprint` on the event always wins.
 * @module
 */
import type { EventRecord } from './event.js';

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const EMAIL = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g;
const ISO_TIME = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g;
const HEX = /\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi;
const DURATION = /\b\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds|m|min|minutes|h|hours)\b/gi;
const NUMBER = /\b\d+(?:[.,]\d+)*\b/g;
const QUOTED = /"[^"\n]{0,200}"|'[^'\n]{0,200}'/g;

/**
 * Collapses the variable parts of a message: `user 42 timed out after 3000ms` → `user <n> timed out
 * after <duration>`.
 */
export function messageTemplate(text: string): string {
  return text
    .slice(0, 500)
    .replace(UUID, '<uuid>')
    .replace(EMAIL, '<email>')
    .replace(ISO_TIME, '<time>')
    .replace(IPV4, '<ip>')
    .replace(HEX, '<hex>')
    .replace(DURATION, '<duration>')
    .replace(QUOTED, '<str>')
    .replace(NUMBER, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The URL's host and path with ids collapsed, query and fragment dropped: `api.x.com/users/:id/orders`. */
export function pathTemplate(url: string): string {
  let host = '';
  let path = url;
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/?#]*)([^?#]*)/i.exec(url);
  if (m) {
    host = m[1]!;
    path = m[2] || '/';
  } else {
    path = url.split(/[?#]/)[0] ?? '';
  }
  const segments = path.split('/').map((segment) => {
    if (segment === '') return segment;
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment)) return ':uuid';
    if (/^\d+$/.test(segment)) return ':id';
    if (/^(?=.*\d)[0-9a-f]{8,}$/i.test(segment)) return ':hex';
    if (/^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/.test(segment)) return ':email';
    // Long opaque tokens (slugs with digits, base64-ish ids) vary per request.
    if (segment.length >= 16 && /\d/.test(segment) && /^[A-Za-z0-9_-]+$/.test(segment)) return ':token';
    return segment;
  });
  return `${host}${segments.join('/')}`;
}

/** A short, readable label of what went wrong, e.g. `GET api.x.com/users/:id → 503`. */
export function fingerprintLabel(record: EventRecord): string {
  const http = record.http;
  if (http) {
    const outcome = http.response ? String(http.response.status) : (http.error?.code ?? 'error');
    return `${http.request.method} ${pathTemplate(http.request.url)} → ${outcome}`;
  }
  const text = record.title ?? record.message ?? record.error?.message ?? record.kind;
  const error = record.error ? `${record.error.name}: ` : '';
  return `${record.level} ${error}${messageTemplate(text)}`.slice(0, 200);
}

/** The fingerprint of a record: explicit, or derived from what identifies the problem. */
export function fingerprintOf(record: EventRecord): string {
  if (record.fingerprint) return record.fingerprint;
  if (record.http) return `${record.kind}|${fingerprintLabel(record)}`;
  const text = record.title ?? record.message ?? '';
  return `${record.kind}|${record.level}|${record.error?.name ?? ''}|${messageTemplate(text)}`;
}
