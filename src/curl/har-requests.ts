/**
 * The requests of a HAR file (`log.entries[].request`), for `offpath curl --har FILE`. Post data is
 * kept as the browser sent it: `postData.text` (base64 when `encoding` says so), or, when a tool
 * wrote only `postData.params`, the form rebuilt from them (URL-encoded, or multipart with the
 * boundary of the request's Content-Type).
 * @module
 */
import { ConfigError } from '../resilience/errors.js';
import { requestFrom } from './parse-input.js';
import type { CurlRequest } from './to-curl.js';

interface HarParam {
  readonly name?: unknown;
  readonly value?: unknown;
  readonly fileName?: unknown;
  readonly contentType?: unknown;
}

interface HarPostData {
  readonly mimeType?: unknown;
  readonly text?: unknown;
  readonly encoding?: unknown;
  readonly params?: unknown;
}

/**
 * The requests of a HAR document, HTTP/2 pseudo-headers left out.
 * @throws ConfigError naming the entry and the field.
 */
export function harToCurlRequests(har: unknown): CurlRequest[] {
  const entries = (har as { log?: { entries?: unknown } } | null)?.log?.entries;
  if (!Array.isArray(entries))
    throw ConfigError.fromIssues('invalid HAR', [
      { path: 'log.entries', message: 'expected a list of entries' },
    ]);
  return entries.map((entry, i) => {
    const where = `log.entries[${i}].request`;
    const req = (entry as { request?: Record<string, unknown> } | null)?.request;
    if (!req) throw ConfigError.fromIssues('invalid HAR', [{ path: where, message: 'is missing' }]);
    const headers = Array.isArray(req['headers'])
      ? (req['headers'] as Array<{ name?: unknown; value?: unknown }>)
          .filter((h) => typeof h.name === 'string' && !h.name.startsWith(':'))
          .map((h) => [String(h.name), String(h.value ?? '')] as const)
      : [];
    const body = postBody(req['postData'] as HarPostData | undefined, headers, `${where}.postData`);
    // Validates url and method with the same messages as a JSON request.
    requestFrom({ url: req['url'], method: req['method'] }, where);
    return {
      url: String(req['url']),
      method: String(req['method'] ?? 'GET'),
      headers,
      ...(body === undefined ? {} : { body }),
    };
  });
}

function postBody(
  post: HarPostData | undefined,
  headers: ReadonlyArray<readonly [string, string]>,
  where: string,
): string | Uint8Array | undefined {
  if (!post) return undefined;
  if (typeof post.text === 'string')
    return post.encoding === 'base64' ? Buffer.from(post.text, 'base64') : post.text;
  if (!Array.isArray(post.params)) return undefined;
  const params = post.params as readonly HarParam[];
  const header = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  const types = [typeof post.mimeType === 'string' ? post.mimeType : '', header];
  if (!types.some((t) => /^multipart\/form-data/i.test(t)))
    return new URLSearchParams(
      params.map((p): [string, string] => [String(p.name ?? ''), String(p.value ?? '')]),
    ).toString();
  const mark = types
    .map((t) => /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(t))
    .map((m) => m?.[1] ?? m?.[2])
    .find((b) => b !== undefined);
  if (!mark) {
    throw ConfigError.fromIssues('invalid HAR', [
      {
        path: `${where}.params`,
        message: 'a multipart form without a boundary cannot be rebuilt',
        hint: 'export the HAR with post data text, or add the boundary to postData.mimeType',
      },
    ]);
  }
  return multipart(params, mark);
}

function multipart(params: readonly HarParam[], boundary: string): string {
  let out = '';
  for (const p of params) {
    const name = String(p.name ?? '').replace(/"/g, '%22');
    const file = typeof p.fileName === 'string' ? `; filename="${p.fileName.replace(/"/g, '%22')}"` : '';
    const type = typeof p.contentType === 'string' ? `Content-Type: ${p.contentType}\r\n` : '';
    out += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file}\r\n${type}\r\n${String(p.value ?? '')}\r\n`;
  }
  return `${out}--${boundary}--\r\n`;
}
