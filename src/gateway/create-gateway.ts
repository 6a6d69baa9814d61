/**
 * The gateway: a tracing reverse proxy mounted on an offpath instance. Each proxy forwards requests
 * under its path to its upstream; every exchange the capture filter keeps becomes an `http` event
 * handed to `instance.emit()` — synchronous and O(1) — and delivered by the instance's pipeline off
 * the request path, so a dead or slow destination never changes what a client sees.
 *
 * The path of a request: `create-gateway.ts` (routing) → `proxy-route.ts` (token, breaker, pool) →
 * `exchange.ts` (attempts, streaming, watchdog) → `exchange-trace.ts` (event) → `instance.emit()`.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Offpath } from '../instance/create-offpath.js';
import { type Clock, systemClock } from '../resilience/clock.js';
import type { ProxyStats } from './proxy-counters.js';
import { type ProxyOptions, resolveProxies } from './proxy-options.js';
import { ProxyRoute } from './proxy-route.js';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  readonly proxies: readonly ProxyOptions[];
  /** Source of time for timeouts, the watchdog, breakers and retries. @default systemClock */
  readonly clock?: Clock;
  /** Jitter of breakers and retries. @default Math.random */
  readonly random?: () => number;
  /** Receives the gateway's own failures (never the client's business). @default ignore */
  readonly onError?: (error: unknown) => void;
}

/** What the gateway holds, for `/metrics`, the status page and tests. */
export interface GatewayStats {
  readonly inFlight: number;
  readonly proxies: Readonly<Record<string, ProxyStats>>;
}

/** A mounted gateway. */
export interface Gateway {
  /**
   * Serves `req` when its path is under one of the proxies; returns false (and touches nothing) when
   * none matches, so the server around it can answer.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** True when a proxy serves this request target (path and query), without touching anything. */
  matches(url: string): boolean;
  stats(): GatewayStats;
  /** The proxies, longest path first. */
  readonly proxies: ReadonlyArray<{
    readonly name: string;
    readonly path: string;
    readonly target: string;
    readonly auth: boolean;
  }>;
  /**
   * Waits for exchanges in flight, up to the deadline (streams can be long), then cuts the rest and
   * closes the upstream pools. Idempotent.
   */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

/**
 * @throws ConfigError when a proxy is misconfigured (which one, which field, why).
 * @example
 * const offpath = createOffpath({ destinations: [{ name: 'ops', type: 'console' }] });
 * const gateway = createGateway({ proxies: [{ path: '/openai', target: 'https://api.openai.com',
 *   headers: { authorization: `Bearer ${process.env.OPENAI_API_KEY}` } }] }, offpath);
 * http.createServer((req, res) => gateway.handle(req, res) || res.writeHead(404).end()).listen(8080);
 */
export function createGateway(options: GatewayOptions | readonly ProxyOptions[], instance: Offpath): Gateway {
  const o: GatewayOptions = Array.isArray(options)
    ? { proxies: options as readonly ProxyOptions[] }
    : (options as GatewayOptions);
  const clock = o.clock ?? systemClock;
  const routes = resolveProxies(o.proxies).map(
    (proxy) =>
      new ProxyRoute(proxy, {
        clock,
        random: o.random ?? Math.random,
        emit: (event) => instance.emit(event),
        publish: (type, payload) => instance.publish(type, payload),
        onError: o.onError ?? (() => {}),
      }),
  );
  let closing: Promise<void> | undefined;
  const inFlight = (): number => routes.reduce((n, r) => n + r.inFlight, 0);
  return {
    proxies: routes.map((r) => ({
      name: r.proxy.name,
      path: r.proxy.prefix || '/',
      target: r.proxy.target.href,
      auth: r.proxy.auth !== undefined,
    })),
    handle(req, res) {
      const url = req.url ?? '/';
      for (const route of routes) {
        const path = route.match(url);
        if (path !== undefined) {
          route.serve(req, res, path);
          return true;
        }
      }
      return false;
    },
    matches: (url) => routes.some((route) => route.match(url) !== undefined),
    stats() {
      const proxies: Record<string, ProxyStats> = {};
      for (const r of routes) proxies[r.proxy.name] = r.stats();
      return { inFlight: inFlight(), proxies };
    },
    close(closeOptions = {}) {
      closing ??= (async () => {
        // Real time: draining is about real clients and sockets, whatever clock the proxies run on.
        const deadline = performance.now() + (closeOptions.timeoutMs ?? 10_000);
        while (inFlight() > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await Promise.all(routes.map((r) => r.close()));
      })();
      return closing;
    },
  };
}
