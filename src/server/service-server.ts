/**
 * The HTTP server every offpath service runs on (node:http): bounded connections, header and request
 * timeouts (slow-loris), a body limit, bearer-token and session access per route, CSRF checks on
 * session form posts, and a graceful drain (503 to new requests while in-flight ones finish).
 * Features add routes to {@link ServiceServer.routes} and readiness checks to
 * {@link ServiceServer.readiness}; the server itself knows none of them.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '../resilience/clock.js';
import { ConfigError } from '../resilience/errors.js';
import { readBody } from './read-body.js';
import { Readiness } from './readiness.js';
import { problem, type Reply, redirect } from './reply.js';
import { type Route, type RouteRequest, RouteTable } from './route-table.js';
import { csrfMatches, type Session, SessionStore } from './sessions.js';
import type { TokenSet } from './token-set.js';

/** Resolved settings of a {@link ServiceServer}. */
export interface ServiceServerOptions {
  readonly host: string;
  readonly port: number;
  readonly tokens: TokenSet;
  readonly maxBodyBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  /** Where a browser without a session is sent. @default '/status/login' */
  readonly loginPath?: string;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Handler failures (answered 500). @default ignore */
  readonly onError?: (error: unknown, context: { readonly phase: string }) => void;
}

/** One answered request, for metrics. `route` is the matched route's path, or `unmatched`. */
export interface ResponseObservation {
  readonly route: string;
  readonly method: string;
  readonly status: number;
}

/**
 * A handler that takes whole requests before the routes and writes its answer itself, streaming (a
 * gateway's proxies). Handlers that return a {@link Reply} value cannot stream, hence this door.
 */
export interface MountedHandler {
  /** Route label in `offpath_http_requests_total`. */
  readonly name: string;
  /** True for the request targets (path and query) it serves. */
  matches(url: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** Paths that still answer while draining, so orchestrators can watch the drain. */
const ALWAYS_ANSWERED = new Set(['/healthz', '/readyz']);

/** An HTTP service. */
export class ServiceServer {
  /** Add routes here. */
  readonly routes = new RouteTable();
  /** Add readiness checks here. */
  readonly readiness = new Readiness();
  readonly sessions: SessionStore;
  readonly #o: ServiceServerOptions;
  readonly #server: Server;
  readonly #observers: Array<(o: ResponseObservation) => void> = [];
  readonly #idleWaiters: Array<() => void> = [];
  readonly #mounts: MountedHandler[] = [];
  #tokens: TokenSet;
  #inFlight = 0;
  #draining = false;

  /** @throws ConfigError when bound to a non-loopback address without tokens. */
  constructor(options: ServiceServerOptions) {
    if (!isLoopback(options.host) && options.tokens.size === 0) {
      throw new ConfigError(
        `refusing to listen on ${options.host} without tokens: set server.tokens (or OFFPATH_SERVE_TOKENS), or bind 127.0.0.1`,
        [{ path: 'server.tokens', message: 'required when server.host is not a loopback address' }],
      );
    }
    this.#o = options;
    this.#tokens = options.tokens;
    this.sessions = new SessionStore(options.clock ?? systemClock);
    this.#server = createServer(
      {
        headersTimeout: options.headersTimeoutMs,
        requestTimeout: options.requestTimeoutMs,
        keepAliveTimeout: options.keepAliveTimeoutMs,
        // Node checks the two timeouts above on this interval; keep it well under them.
        connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(options.headersTimeoutMs / 4))),
      },
      (req, res) => this.#handle(req, res),
    );
    this.#server.maxConnections = options.maxConnections;
    // A connection that sends nothing at all is not yet "a request" to the checks above.
    this.#server.timeout = options.headersTimeoutMs + options.keepAliveTimeoutMs;
    this.#server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      // Destroyed once written: a client that never reads or closes (slow loris) keeps no half-open socket.
      if (!socket.writable) socket.destroy();
      else
        socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, () =>
          socket.destroy(),
        );
    });
  }

  /** Replaces the accepted tokens (a reload); sessions already logged in stay valid. */
  setTokens(tokens: TokenSet): void {
    if (!isLoopback(this.#o.host) && tokens.size === 0) return;
    this.#tokens = tokens;
  }

  /** True once {@link drain} has begun. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Requests being answered right now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Open connections right now. */
  connections(): Promise<number> {
    return new Promise((resolve) => this.#server.getConnections((_e, n) => resolve(n ?? 0)));
  }

  /**
   * Mounts a whole-request handler: tried before the routes, counted in flight (so a drain waits for
   * its streams), answered 503 while draining, and counted in the observers when its response ends.
   */
  mount(handler: MountedHandler): void {
    this.#mounts.push(handler);
  }

  /** Calls `listener` after every answered request. */
  onResponse(listener: (o: ResponseObservation) => void): void {
    this.#observers.push(listener);
  }

  /** Starts listening; resolves with the base URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#o.port, this.#o.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return this.url;
  }

  /** The base URL (after {@link listen}). */
  get url(): string {
    const a = this.#server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }

  /**
   * Stops taking work: new connections are refused, new requests answered 503, idle keep-alive
   * connections closed. Resolves when in-flight requests are answered or `timeoutMs` passed.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    this.#server.close();
    this.#server.closeIdleConnections();
    if (this.#inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Closes every connection at once. */
  async close(): Promise<void> {
    this.#draining = true;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    this.#inFlight++;
    let route = 'unmatched';
    res.once('close', () => {
      this.#inFlight--;
      if (this.#inFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
    });
    const answer = (reply: Reply): void => {
      this.#write(req, res, reply);
      for (const o of this.#observers) o({ route, method: req.method ?? '', status: reply.status });
    };
    const mounted = this.#mounts.find((m) => m.matches(req.url ?? '/'));
    if (mounted) {
      route = mounted.name;
      if (this.#draining) {
        answer(problem(503, 'shutting down', { 'retry-after': '5', connection: 'close' }));
        return;
      }
      res.once('finish', () => {
        for (const o of this.#observers) o({ route, method: req.method ?? '', status: res.statusCode });
      });
      mounted.handle(req, res);
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://service.invalid');
    } catch {
      answer(problem(400, 'the request target is not a valid URL'));
      return;
    }
    const found = this.routes.match(req.method ?? 'GET', url.pathname);
    if (!('handler' in found)) {
      if (found.allowed.length === 0) answer(problem(404, `no such endpoint: ${url.pathname}`));
      else answer(problem(405, `use ${found.allowed.join(' or ')}`, { allow: found.allowed.join(', ') }));
      return;
    }
    route = found.path;
    if (this.#draining && !ALWAYS_ANSWERED.has(url.pathname)) {
      answer(problem(503, 'shutting down', { 'retry-after': '5', connection: 'close' }));
      return;
    }
    this.#dispatch(found, req, url).then(answer, (error: unknown) => {
      this.#o.onError?.(error, { phase: `route ${found.method} ${found.path}` });
      answer(problem(500, 'internal error'));
    });
  }

  async #dispatch(route: Route, req: IncomingMessage, url: URL): Promise<Reply> {
    let session: Session | undefined;
    let form: URLSearchParams | undefined;
    const bearer = this.#tokens.authorizes(req.headers.authorization);
    if (route.access === 'token' && !bearer) {
      return problem(401, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer' });
    }
    if (route.access === 'session' && !bearer) {
      session = this.sessions.fromCookie(req.headers.cookie);
      if (!session) {
        if (req.method === 'GET' || req.method === 'HEAD')
          return redirect(this.#o.loginPath ?? '/status/login');
        return problem(401, 'log in first');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        const checked = await this.#checkedForm(req, session);
        if ('status' in checked) return checked;
        form = checked;
      }
    }
    const request: RouteRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      url,
      headers: req.headers,
      session,
      form,
      body: () => readBody(req, this.#o.maxBodyBytes),
      raw: req,
    };
    return route.handler(request);
  }

  /** A cookie-authenticated post must come from this origin and carry the session's CSRF token. */
  async #checkedForm(req: IncomingMessage, session: Session): Promise<URLSearchParams | Reply> {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let host: string | undefined;
      try {
        host = new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (host !== req.headers.host) return problem(403, 'cross-origin form posts are refused');
    }
    const body = await readBody(req, this.#o.maxBodyBytes);
    if (!body.ok) return problem(body.status, body.message);
    const form = new URLSearchParams(body.bytes.toString('utf8'));
    if (!csrfMatches(session, form.get('csrf') ?? undefined)) {
      return problem(
        403,
        'the form is stale or was not sent by the status page (CSRF check); reload the page',
      );
    }
    return form;
  }

  #write(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k] = typeof v === 'string' ? v : [...v];
    // An unread body would otherwise be drained byte by byte to keep the connection: close it instead.
    if (!req.complete) headers['connection'] = 'close';
    const body = reply.body ?? '';
    headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    res.writeHead(reply.status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
    if (!req.complete) res.once('finish', () => req.socket.destroySoon());
  }
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
