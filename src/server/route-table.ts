/**
 * The routes of a service. Features add their own routes (the relay its ingest API and status page,
 * a gateway its proxies) without editing the server: the server only looks routes up here.
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { BodyResult } from './read-body.js';
import type { Reply } from './reply.js';
import type { Session } from './sessions.js';

/**
 * Who may call a route: anyone (`public`), a bearer token (`token`), or a bearer token or a status-page
 * session (`session`; a session's form posts must carry its CSRF token).
 */
export type Access = 'public' | 'token' | 'session';

/** What a handler sees of a request. */
export interface RouteRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  /** The status-page session, on `session` routes reached with a cookie. */
  readonly session: Session | undefined;
  /** Fields of a form post on a `session` route (already read and CSRF-checked). */
  readonly form: URLSearchParams | undefined;
  /** Reads the body within the server's `maxBodyBytes` (not available once `form` was read). */
  body(): Promise<BodyResult>;
  readonly raw: IncomingMessage;
}

/** Answers a request. A handler that throws is answered 500 and reported. */
export type RouteHandler = (req: RouteRequest) => Reply | Promise<Reply>;

/** One route. */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
  /** The exact path, or with `prefix` every path starting with it. */
  readonly path: string;
  /** @default false */
  readonly prefix?: boolean;
  readonly access: Access;
  readonly handler: RouteHandler;
}

/** Routes, looked up by method and path; exact paths win over prefixes, longer prefixes over shorter. */
export class RouteTable {
  readonly #exact = new Map<string, Map<string, Route>>();
  readonly #prefixes: Route[] = [];

  /** Adds a route. @throws TypeError when the same method and path is already taken. */
  add(route: Route): void {
    if (!route.path.startsWith('/')) throw new TypeError(`route path must start with "/": ${route.path}`);
    if (route.prefix) {
      if (this.#prefixes.some((r) => r.path === route.path && r.method === route.method))
        throw new TypeError(`route ${route.method} ${route.path}* is already taken`);
      this.#prefixes.push(route);
      this.#prefixes.sort((a, b) => b.path.length - a.path.length);
      return;
    }
    const byMethod = this.#exact.get(route.path) ?? new Map<string, Route>();
    if (byMethod.has(route.method))
      throw new TypeError(`route ${route.method} ${route.path} is already taken`);
    byMethod.set(route.method, route);
    this.#exact.set(route.path, byMethod);
  }

  /** The route for a request, or the methods the path allows (empty when the path is unknown). */
  match(method: string, path: string): Route | { readonly allowed: readonly string[] } {
    const wanted = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    const exact = this.#exact.get(path);
    if (exact) {
      for (const m of wanted) {
        const route = exact.get(m);
        if (route) return route;
      }
      return { allowed: [...exact.keys()] };
    }
    const candidates = this.#prefixes.filter((r) => path.startsWith(r.path));
    for (const m of wanted) {
      const route = candidates.find((r) => r.method === m);
      if (route) return route;
    }
    return { allowed: [...new Set(candidates.map((r) => r.method))] };
  }
}
