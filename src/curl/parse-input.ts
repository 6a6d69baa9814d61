/**
 * Input of `offpath curl`: one request as JSON. HAR files are read by `har-requests.ts` with the same
 * checks.
 * @module
 */
import { ConfigError, type ConfigIssue } from '../resilience/errors.js';
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
    throw ConfigError.fromIssues('invalid request', [
      {
        path: 'input',
        message: `not valid JSON (${(error as Error).message})`,
        hint: 'pass one request object on stdin',
      },
    ]);
  }
  return requestFrom(value, 'input');
}

/**
 * Checks and converts one request object; `where` names it in messages.
 * @throws ConfigError listing every problem.
 */
export function requestFrom(value: unknown, where: string): CurlRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ConfigError.fromIssues('invalid request', [
      { path: where, message: 'expected an object', hint: 'like {"method": "GET", "url": "https://…"}' },
    ]);
  }
  const v = value as Record<string, unknown>;
  const problems: ConfigIssue[] = [];
  const urlProblem = checkUrl(v['url']);
  if (urlProblem) problems.push({ path: `${where}.url`, ...urlProblem });
  if (v['method'] !== undefined && (typeof v['method'] !== 'string' || !/^[A-Za-z]+$/.test(v['method']))) {
    problems.push({ path: `${where}.method`, message: 'must be an HTTP method such as GET or POST' });
  }
  if (v['body'] !== undefined && v['bodyBase64'] !== undefined)
    problems.push({ path: where, message: 'give "body" or "bodyBase64", not both' });
  if (v['body'] !== undefined && typeof v['body'] !== 'string')
    problems.push({
      path: `${where}.body`,
      message: 'must be a string (UTF-8 text)',
      hint: 'use "bodyBase64" for bytes',
    });
  if (
    v['bodyBase64'] !== undefined &&
    (typeof v['bodyBase64'] !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v['bodyBase64']))
  ) {
    problems.push({ path: `${where}.bodyBase64`, message: 'must be base64 text' });
  }
  const headers = headersFrom(v['headers'], `${where}.headers`, problems);
  if (problems.length > 0) throw ConfigError.fromIssues('invalid request', problems);
  const body =
    typeof v['bodyBase64'] === 'string'
      ? Buffer.from(v['bodyBase64'], 'base64')
      : (v['body'] as string | Uint8Array | undefined);
  return {
    url: v['url'] as string,
    ...(v['method'] ? { method: v['method'] as string } : {}),
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

function checkUrl(url: unknown): Omit<ConfigIssue, 'path'> | undefined {
  if (typeof url !== 'string' || url === '')
    return { message: 'is required', hint: 'the full URL, such as "https://api.example.com/x"' };
  let parsed: URL;
  try {
    // "localhost:3000/x" parses as the scheme "localhost:": an absolute URL has "scheme://".
    if (!/^[a-z][a-z\d+.-]*:\/\//i.test(url)) throw new TypeError('no scheme');
    parsed = new URL(url);
  } catch {
    return {
      message: `not a valid absolute URL: ${JSON.stringify(url)}`,
      hint: 'write the scheme and host, such as "https://api.example.com/x"',
    };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return { message: `must be an http(s) URL, got ${JSON.stringify(parsed.protocol)}` };
  return undefined;
}

function headersFrom(
  value: unknown,
  where: string,
  problems: ConfigIssue[],
): Array<readonly [string, string]> {
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
      else problems.push({ path: `${where}[${i}]`, message: 'expected ["name", "value"]' });
    });
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [name, v] of Object.entries(value)) {
      if (typeof v === 'string') out.push([name, v]);
      else if (Array.isArray(v) && v.every((x) => typeof x === 'string'))
        for (const x of v) out.push([name, x]);
      else problems.push({ path: `${where}.${name}`, message: 'expected a string or a list of strings' });
    }
    return out;
  }
  problems.push({ path: where, message: 'expected {"name": "value"} or [["name", "value"], …]' });
  return out;
}
