/**
 * Browser sessions of the status page: a login with a valid token yields a random session id (an
 * HttpOnly, SameSite=Strict cookie) and a CSRF token that every form post must echo. Bounded: the
 * oldest session is forgotten when the table is full.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../resilience/clock.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'offpath_session';

/** One logged-in browser. */
export interface Session {
  readonly id: string;
  readonly csrf: string;
  readonly expiresAt: number;
}

/** Options of {@link SessionStore}. */
export interface SessionOptions {
  /** Lifetime of a session. @default 43_200_000 (12 h) */
  readonly ttlMs?: number;
  /** Sessions kept at most. @default 1_000 */
  readonly maxSessions?: number;
}

/** The sessions of one server. */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(clock: Clock, options: SessionOptions = {}) {
    this.#clock = clock;
    this.#ttlMs = options.ttlMs ?? 43_200_000;
    this.#max = options.maxSessions ?? 1_000;
  }

  /** Starts a session. */
  create(): Session {
    if (this.#sessions.size >= this.#max) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
    const session = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(32).toString('base64url'),
      expiresAt: this.#clock.now() + this.#ttlMs,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session of a request's cookie header. */
  fromCookie(cookieHeader: string | undefined): Session | undefined {
    const id = readCookie(cookieHeader, SESSION_COOKIE);
    if (id === undefined) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.#clock.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /** Ends a session. */
  delete(id: string): void {
    this.#sessions.delete(id);
  }

  /** The `Set-Cookie` value that starts (or, with no session, clears) the cookie. */
  cookie(session: Session | undefined): string {
    const base = `${SESSION_COOKIE}=${session?.id ?? ''}; Path=/; HttpOnly; SameSite=Strict`;
    return session ? `${base}; Max-Age=${Math.floor(this.#ttlMs / 1000)}` : `${base}; Max-Age=0`;
  }
}

/** True when the CSRF token sent with a form matches the session's, compared in constant time. */
export function csrfMatches(session: Session, sent: string | undefined): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One cookie's value from a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
