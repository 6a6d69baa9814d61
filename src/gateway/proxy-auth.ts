/**
 * The client's credential for the proxy: read from its header and compared in constant time with
 * every configured token (so the time taken says nothing about which token, or how much of one,
 * matched). The header itself is never forwarded upstream and never traced.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The form tokens are kept and compared in: equal lengths for timingSafeEqual, whatever the input. */
export function tokenDigest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Where a proxy reads its clients' token, and the digests it accepts. */
export interface ProxyAuth {
  readonly digests: readonly Buffer[];
  readonly header: string;
}

/** True when the proxy needs no token, or the request carries one of its tokens. */
export function isAuthorized(req: IncomingMessage, auth: ProxyAuth | undefined): boolean {
  if (auth === undefined) return true;
  const value = req.headers[auth.header];
  if (typeof value !== 'string') return false;
  const bearer = /^bearer\s+/i.exec(value);
  const presented = tokenDigest(bearer ? value.slice(bearer[0].length).trim() : value.trim());
  let ok = false;
  // Every token is compared, whatever matched first: constant work per request.
  for (const digest of auth.digests) ok = timingSafeEqual(presented, digest) || ok;
  return ok;
}
