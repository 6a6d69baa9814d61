/**
 * The accepted bearer tokens. Tokens are held only as SHA-256 digests and compared in constant time
 * against every entry (no early exit), so neither timing nor a heap dump of this object gives one away.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** A set of accepted tokens. */
export class TokenSet {
  readonly #digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    this.#digests = tokens.map(digest);
  }

  /** How many tokens are accepted. */
  get size(): number {
    return this.#digests.length;
  }

  /** True when `candidate` is one of the tokens. */
  matches(candidate: string | undefined): boolean {
    if (candidate === undefined || candidate === '') return false;
    const d = digest(candidate);
    let found = false;
    for (const known of this.#digests) found = timingSafeEqual(d, known) || found;
    return found;
  }

  /** True when the request's `Authorization: Bearer <token>` header carries one of the tokens. */
  authorizes(authorization: string | undefined): boolean {
    return this.matches(bearerToken(authorization));
  }
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  return m?.[1];
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
