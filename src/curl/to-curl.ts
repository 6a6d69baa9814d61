/**
 * `toCurl(request)`: a command that, pasted into bash or zsh, sends the same request again: method,
 * URL byte for byte, headers in order with duplicates and empty values, and the body byte for byte.
 * It never expands a variable, runs a command or reads a local file.
 * @module
 */
import type { BodyRecord, HeaderList, HttpRecord } from '../core/event.js';
import { printfFormat, quote } from './shell-quote.js';

/** A request to turn into a command. Headers as a list keep order and duplicates. */
export interface CurlRequest {
  readonly method?: string;
  readonly url: string;
  readonly headers?: HeaderList | Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | Uint8Array | BodyRecord;
}

/** Options of {@link toCurl}. */
export interface CurlOptions {
  /** One option (with its value) per line, joined with ` \`. @default false */
  readonly multiline?: boolean;
  /** Add `--compressed`: 'auto' when the request's Accept-Encoding asks for compression. @default 'auto' */
  readonly compressed?: 'auto' | boolean;
  /**
   * Larger bodies are cut, and the command says so before it runs; `Infinity` never cuts (what
   * `offpath curl` does unless given `--max-body`). @default 65_536
   */
  readonly maxBodyBytes?: number;
  /**
   * `true` adds what a byte-exact replay needs even when it only hides curl's own defaults
   * (`-H 'User-Agent:'`, `--globoff`…); `false` keeps a command for people to read, adding those only
   * where the request needs them. Nothing is ever expanded or read from a file either way.
   * @default true
   */
  readonly exact?: boolean;
}

// curl adds these unless told not to; a header "Name:" with nothing after removes one.
const CURL_DEFAULTS = ['User-Agent', 'Accept'];

/**
 * @example
 * toCurl({ method: 'POST', url: 'https://api.example.com/x', headers: [['Content-Type', 'application/json']], body: '{"a":1}' });
 * // curl --globoff --path-as-is -X POST -H 'User-Agent:' -H 'Accept:' -H 'Content-Type: application/json' --data-raw '{"a":1}' 'https://api.example.com/x'
 */
export function toCurl(request: CurlRequest | HttpRecord['request'], options: CurlOptions = {}): string {
  const method = (request.method ?? 'GET').toUpperCase();
  const headers = headerList(request.headers);
  const names = new Set(headers.map(([n]) => n.toLowerCase()));
  const exact = options.exact ?? true;
  // One entry per option with its value, so a multiline command keeps `-H 'Name: value'` on one line.
  const args: string[] = ['curl'];
  if (exact || /[[\]{}]/.test(request.url)) args.push('--globoff');
  if (exact || /\/\.\.?(\/|$|\?)/.test(request.url)) args.push('--path-as-is');
  const { bytes, truncatedFrom } = bodyBytes(request.body, options.maxBodyBytes ?? 65_536);
  if (method === 'HEAD') args.push('--head');
  else if (method !== (bytes ? 'POST' : 'GET')) args.push(`-X ${quote(method)}`);
  if (exact) {
    for (const name of CURL_DEFAULTS)
      if (!names.has(name.toLowerCase())) args.push(`-H ${quote(`${name}:`)}`);
    // A body makes curl add a form Content-Type (and, when large, Expect): remove what the original lacked.
    if (bytes && !names.has('content-type')) args.push(`-H ${quote('Content-Type:')}`);
    if (bytes && !names.has('expect')) args.push(`-H ${quote('Expect:')}`);
  }
  for (const [name, value] of headers)
    args.push(`-H ${quote(value === '' ? `${name};` : `${name}: ${value}`)}`);
  const wantsCompression = headers.some(
    ([n, v]) => n.toLowerCase() === 'accept-encoding' && /gzip|deflate|br|zstd/i.test(v),
  );
  if (options.compressed === true || (options.compressed !== false && wantsCompression))
    args.push('--compressed');
  let prefix = '';
  if (bytes) {
    const text = decodeSafe(bytes);
    if (text !== undefined) {
      args.push(`--data-raw ${quote(text)}`);
    } else {
      // NUL bytes cannot travel in an argument: stream the exact bytes on stdin instead.
      prefix = `printf ${printfFormat(bytes)} | `;
      args.push('--data-binary @-');
    }
  }
  args.push(quote(request.url));
  const note =
    truncatedFrom === undefined
      ? ''
      : `: ${quote(`offpath: body cut to its first ${bytes?.length} of ${truncatedFrom} bytes`)}; `;
  const command = options.multiline ? args.join(' \\\n  ') : args.join(' ');
  return `${note}${prefix}${command}`;
}

function headerList(headers: CurlRequest['headers']): Array<readonly [string, string]> {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers as Array<readonly [string, string]>;
  const out: Array<readonly [string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const v of value) out.push([name, String(v)]);
    else out.push([name, String(value)]);
  }
  return out;
}

function bodyBytes(
  body: CurlRequest['body'],
  max: number,
): { bytes: Uint8Array | undefined; truncatedFrom: number | undefined } {
  if (body === undefined) return { bytes: undefined, truncatedFrom: undefined };
  let bytes: Uint8Array;
  let originalSize: number | undefined;
  if (typeof body === 'string') bytes = Buffer.from(body, 'utf8');
  else if (body instanceof Uint8Array) bytes = body;
  else {
    bytes = Buffer.from(body.data, body.encoding === 'base64' ? 'base64' : 'utf8');
    if (body.truncated) originalSize = body.size ?? bytes.length;
  }
  if (bytes.length > max) {
    originalSize = bytes.length;
    bytes = bytes.subarray(0, max);
  }
  return { bytes, truncatedFrom: originalSize };
}

/** The body as text if it is valid UTF-8 without NUL (it can then be an argument). */
function decodeSafe(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
