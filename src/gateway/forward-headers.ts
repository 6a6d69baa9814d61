/**
 * Headers across the proxy, as RFC 9110 §7.6.1 says: hop-by-hop fields (`Connection` and the fields
 * it lists, `Keep-Alive`, `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`) stop
 * here in both directions; end-to-end fields pass unchanged; `Host` names the upstream; the client's
 * address goes into `X-Forwarded-For` and `Forwarded`.
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { ResolvedProxy } from './proxy-options.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Request headers the proxy replaces or must not forward: the client's Host and forwarding fields
 * (rewritten below), the proxy's own credential, and `Expect` (Node's server already answered it).
 */
const REPLACED = new Set(['host', 'x-forwarded-host', 'x-forwarded-proto', 'proxy-authorization', 'expect']);

/** The names a `Connection` header lists, in lower case; undefined when it lists none but itself. */
function connectionTokens(value: string | undefined): Set<string> | undefined {
  // Almost every message says just one of these: no field to remove, no allocation.
  if (value === undefined || /^\s*(?:keep-alive|close)\s*$/i.test(value)) return undefined;
  return new Set(value.split(',').map((t) => t.trim().toLowerCase()));
}

/**
 * The request headers for the upstream, as a flat `[name, value, …]` list (undici's cheapest form):
 * the client's end-to-end headers in their order and case, then `host`, the proxy's own headers and
 * the forwarding headers.
 */
export function upstreamRequestHeaders(req: IncomingMessage, proxy: ResolvedProxy): string[] {
  const raw = req.rawHeaders;
  const listed = connectionTokens(req.headers.connection);
  const out: string[] = [];
  let forwardedFor: string | undefined;
  let forwarded: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || REPLACED.has(lower) || listed?.has(lower)) continue;
    if (lower === proxy.auth?.header) continue;
    if (lower === 'x-forwarded-for') {
      forwardedFor = forwardedFor === undefined ? raw[i + 1] : `${forwardedFor}, ${raw[i + 1]}`;
      continue;
    }
    if (lower === 'forwarded') {
      forwarded = forwarded === undefined ? raw[i + 1] : `${forwarded}, ${raw[i + 1]}`;
      continue;
    }
    if (proxy.headers.length > 0 && proxy.headers.some(([n]) => n === lower)) continue;
    out.push(name, raw[i + 1]!);
  }
  out.push('host', proxy.target.host);
  for (const [name, value] of proxy.headers) out.push(name, value);
  const client = req.socket.remoteAddress ?? 'unknown';
  const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const host = req.headers.host;
  out.push('x-forwarded-for', forwardedFor === undefined ? client : `${forwardedFor}, ${client}`);
  out.push('x-forwarded-proto', proto);
  if (host !== undefined) out.push('x-forwarded-host', host);
  const element = `for=${forwardedNode(client)};${host === undefined ? '' : `host=${quoted(host)};`}proto=${proto}`;
  out.push('forwarded', forwarded === undefined ? element : `${forwarded}, ${element}`);
  return out;
}

/** RFC 7239: IPv6 addresses are bracketed and quoted; IPv4 and tokens go as they are. */
function forwardedNode(address: string): string {
  return address.includes(':') ? `"[${address}]"` : address;
}

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The upstream's response headers without the hop-by-hop ones, for the client. `headers` is the
 * object undici parsed for this response alone, so it is changed in place rather than copied.
 */
export function stripResponseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const connection = headers.connection;
  const listed = connectionTokens(Array.isArray(connection) ? connection.join(',') : connection);
  for (const name of HOP_BY_HOP) if (headers[name] !== undefined) delete headers[name];
  if (listed) for (const name of listed) delete headers[name];
  return headers;
}

/** True when a response is a server-sent event stream. */
export function isEventStream(headers: IncomingHttpHeaders): boolean {
  const type = headers['content-type'];
  return typeof type === 'string' && type.toLowerCase().startsWith('text/event-stream');
}
