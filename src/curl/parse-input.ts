/**
 * Input of `offpath curl`: one request as JSON, or the entries of a HAR file.
 * @module
 */
import { ConfigError } from '../resilience/errors.js';
import type { CurlRequest } from './to-curl.js';

/**
 * Parses `{"method", "url", "headers": {name: value | [values]} | [[name, value]], "body" | "bodyBase64"}`.
 * @throws ConfigError naming the field, the problem and the fix.
 */
export function parseCurlInput(jsonText: string): CurlRequest {
  let value: unknown;
  try {
    value = JSON.parse(jsonText);
  } catch (error) {
    throw new ConfigError(
      `input: not valid JSON (${(error as Error).message}); pass one request object on stdin`,
    );
  }
  return requestFrom(value, 'input');
}

function requestFrom(value: unknown, where: string): CurlRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where}: expected an object like {"method": "GET", "url": "https://…"}`);
  }
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof v['url'] !== 'string' || v['url'] === '')
    problems.push(`${where}.url: required, a string (the full URL)`);
  if (v['method'] !== undefined && (typeof v['method'] !== 'string' || !/^[A-Za-z]+$/.test(v['method']))) {
    problems.push(`${where}.method: must be an HTTP method such as GET or POST`);
  }
  if (v['body'] !== undefined && v['bodyBase64'] !== undefined)
    problems.push(`${where}: give "body" or "bodyBase64", not both`);
  if (v['body'] !== undefined && typeof v['body'] !== 'string')
    problems.push(`${where}.body: must be a string (UTF-8 text); use "bodyBase64" for bytes`);
  if (
    v['bodyBase64'] !== undefined &&
    (typeof v['bodyBase64'] !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v['bodyBase64']))
  ) {
    problems.push(`${where}.bodyBase64: must be base64 text`);
  }
  const headers = headersFrom(v['headers'], `${where}.headers`, problems);
  if (problems.length > 0)
    throw new ConfigError(`invalid request:\n  - ${problems.join('\n  - ')}`, problems);
  const body =
    typeof v['bodyBase64'] === 'string'
      ? Buffer.from(v['bodyBase64'], 'base64')
      : (v['body'] as string | undefined);
  return {
    url: v['url'] as string,
    ...(v['method'] ? { method: v['method'] as string } : {}),
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

function headersFrom(value: unknown, where: string, problems: string[]): Array<readonly [string, string]> {
  if (value === undefined) return [];
  const out: Array<readonly [string, string]> = [];
  if (Array.isArray(value)) {
    value.forEach((pair, i) => {
      if (
        Array.isArray(pair) &&
        pair.length === 2 &&
        typeof pair[0] === 'string' &&
        typeof pair[1] === 'string'
      )
        out.push([pair[0], pair[1]]);
      else problems.push(`${where}[${i}]: expected ["name", "value"]`);
    });
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [name, v] of Object.entries(value)) {
      if (typeof v === 'string') out.push([name, v]);
      else if (Array.isArray(v) && v.every((x) => typeof x === 'string'))
        for (const x of v) out.push([name, x]);
      else problems.push(`${where}.${name}: expected a string or a list of strings`);
    }
    return out;
  }
  problems.push(`${where}: expected {"name": "value"} or [["name", "value"], …]`);
  return out;
}

/** The requests of a HAR file (log.entries[].request), HTTP/2 pseudo-headers left out. */
export function harToCurlRequests(har: unknown): CurlRequest[] {
  const entries = (har as { log?: { entries?: unknown } } | null)?.log?.entries;
  if (!Array.isArray(entries)) throw new ConfigError('HAR: expected {"log": {"entries": [...]}}');
  return entries.map((entry, i) => {
    const req = (entry as { request?: Record<string, unknown> }).request;
    if (!req) throw new ConfigError(`HAR: log.entries[${i}].request is missing`);
    const headers = Array.isArray(req['headers'])
      ? (req['headers'] as Array<{ name?: unknown; value?: unknown }>)
          .filter((h) => typeof h.name === 'string' && !h.name.startsWith(':'))
          .map((h) => [String(h.name), String(h.value ?? '')] as const)
      : [];
    const post = req['postData'] as { text?: unknown; encoding?: unknown } | undefined;
    const text = typeof post?.text === 'string' ? post.text : undefined;
    const body =
      text === undefined ? undefined : post?.encoding === 'base64' ? Buffer.from(text, 'base64') : text;
    // Validates url and method with the same messages as a JSON request.
    requestFrom({ url: req['url'], method: req['method'] }, `log.entries[${i}].request`);
    return {
      url: String(req['url']),
      method: String(req['method'] ?? 'GET'),
      headers,
      ...(body === undefined ? {} : { body }),
    };
  });
}
