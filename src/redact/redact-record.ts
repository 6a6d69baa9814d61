/**
 * Redacting a whole record: its texts, fields, error, HTTP exchange (URL, headers, JSON, form and
 * base64 bodies) and digest groups, with the redactor's primitives.
 * @module
 */
import type { BodyRecord, EventRecord, HeaderList, HttpRecord, JsonValue } from '../core/event.js';
import { decodeUtf8 } from './encoding.js';

/** The redactor's primitives a record is redacted with. */
export interface RedactionParts {
  text(text: string): string;
  url(url: string): string;
  headers(headers: HeaderList): HeaderList;
  value(value: JsonValue, keyHint?: string): JsonValue;
  /** Redacts a query or form body (`a=1&token=2`) by parameter name. */
  params(query: string): string;
}

/** A record redactor built on `parts`; returns new objects, never changes its input. */
export function recordRedaction(parts: RedactionParts): (record: EventRecord) => EventRecord {
  const { text, url, headers, value, params } = parts;
  const body = (b: BodyRecord): BodyRecord => {
    if (b.encoding === 'base64') {
      const decoded = decodeUtf8(b.data);
      if (decoded === undefined) return b;
      const redacted = bodyText(decoded);
      return redacted === decoded ? b : { ...b, data: redacted, encoding: 'utf8' };
    }
    return { ...b, data: bodyText(b.data) };
  };

  const bodyText = (data: string): string => {
    const trimmed = data.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.stringify(value(JSON.parse(data) as JsonValue));
      } catch {
        // Not JSON after all (or cut short): fall through to text scanning.
      }
    }
    if (/^[^\s=&]+=[^\s]*(?:&[^\s=&]+=[^\s]*)*$/.test(data)) return text(params(data));
    return text(data);
  };

  const http = (h: HttpRecord): HttpRecord => ({
    request: {
      method: h.request.method,
      url: url(h.request.url),
      headers: headers(h.request.headers),
      ...(h.request.body ? { body: body(h.request.body) } : {}),
    },
    ...(h.response
      ? {
          response: {
            ...h.response,
            headers: headers(h.response.headers),
            ...(h.response.body ? { body: body(h.response.body) } : {}),
          },
        }
      : {}),
    ...(h.error ? { error: { ...h.error, message: text(h.error.message) } } : {}),
  });

  const record = (r: EventRecord): EventRecord => ({
    ...r,
    ...(r.title === undefined ? {} : { title: text(r.title) }),
    ...(r.message === undefined ? {} : { message: text(r.message) }),
    ...(r.fingerprint === undefined ? {} : { fingerprint: text(r.fingerprint) }),
    fields: value(r.fields) as Record<string, JsonValue>,
    tags: r.tags.map(text),
    ...(r.error
      ? {
          error: {
            ...r.error,
            message: text(r.error.message),
            ...(r.error.stack === undefined ? {} : { stack: text(r.error.stack) }),
          },
        }
      : {}),
    ...(r.http ? { http: http(r.http) } : {}),
    ...(r.digest?.groups
      ? {
          digest: {
            ...r.digest,
            groups: r.digest.groups.map((g) => ({
              ...g,
              sample: text(g.sample),
              fingerprint: text(g.fingerprint),
            })),
          },
        }
      : {}),
  });
  return record;
}
