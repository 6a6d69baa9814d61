/**
 * One proxy of the gateway, live: its upstream connection pool, circuit breaker, retry policy and
 * budget, capture filter and tracer, and its counters. It checks what must be checked before the
 * upstream is involved (the client's token, the declared body size) and starts one exchange per
 * request.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'undici';
import { randomHex } from '../core/random-id.js';
import type { EmitFn } from '../core/source.js';
import type { ServiceEventName } from '../instance/create-offpath.js';
import type { OffpathEvents } from '../pipeline/events.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { Clock } from '../resilience/clock.js';
import { RetryBudget } from '../resilience/retry-budget.js';
import { RetryPolicy } from '../resilience/retry-policy.js';
import { CaptureFilter } from '../sources/capture-filter.js';
import { Exchange } from './exchange.js';
import type { ExchangeHost } from './exchange-host.js';
import { ExchangeTracer, type ExchangeView } from './exchange-trace.js';
import { isAuthorized } from './proxy-auth.js';
import { ProxyCounters, type ProxyStats } from './proxy-counters.js';
import type { ResolvedProxy } from './proxy-options.js';
import { SecretScrubber } from './secret-scrubber.js';

/** What a route needs from the gateway around it. */
export interface RouteDependencies {
  readonly clock: Clock;
  readonly random: () => number;
  readonly emit: EmitFn;
  readonly publish: <K extends ServiceEventName>(type: K, payload: OffpathEvents[K]) => void;
  /** Receives the gateway's own failures (a trace that threw); never the client's business. */
  readonly onError: (error: unknown) => void;
}

export class ProxyRoute implements ExchangeHost {
  readonly proxy: ResolvedProxy;
  readonly dispatcher: Pool;
  readonly breaker: CircuitBreaker;
  readonly retry: RetryPolicy;
  readonly budget: RetryBudget;
  readonly clock: Clock;
  readonly counters = new ProxyCounters();
  readonly tracer: ExchangeTracer;
  readonly scrubber: SecretScrubber;
  readonly #filter: CaptureFilter;
  readonly #deps: RouteDependencies;
  readonly #inFlight = new Set<ExchangeView>();
  readonly #idPrefix = randomHex(4);
  #nextId = 0;

  constructor(proxy: ResolvedProxy, deps: RouteDependencies) {
    this.proxy = proxy;
    this.clock = deps.clock;
    this.#deps = deps;
    // No connection cap: a streamed completion holds its connection for as long as it lasts, and a
    // cap would queue every other client behind the long ones. Timeouts are the exchange's own.
    this.dispatcher = new Pool(proxy.target.origin, { headersTimeout: 0, bodyTimeout: 0 });
    this.breaker = new CircuitBreaker({ ...proxy.breaker, clock: deps.clock, random: deps.random });
    this.retry = new RetryPolicy({ ...proxy.retry, clock: deps.clock, random: deps.random });
    this.budget = new RetryBudget({ clock: deps.clock });
    this.#filter = new CaptureFilter(proxy.capture);
    this.scrubber = new SecretScrubber(proxy.secrets);
    this.tracer = new ExchangeTracer(proxy, this.#filter, this.scrubber, deps.emit);
  }

  /** The upstream path for a request path under this proxy's prefix, or undefined when it is not. */
  match(url: string): string | undefined {
    const prefix = this.proxy.prefix;
    if (
      prefix !== '' &&
      !(url.startsWith(prefix) && (url.length === prefix.length || '/?'.includes(url[prefix.length]!)))
    ) {
      return undefined;
    }
    const rest = url.slice(prefix.length);
    return `${this.proxy.basePath}${rest.startsWith('/') ? rest : `/${rest}`}`;
  }

  /** Serves one request whose URL {@link match}ed. */
  serve(req: IncomingMessage, res: ServerResponse, upstreamPath: string): void {
    const exchange = new Exchange(
      this,
      req,
      res,
      upstreamPath,
      `${this.#idPrefix}-${(++this.#nextId).toString(36)}`,
    );
    this.counters.requests++;
    this.counters.inFlight++;
    this.#inFlight.add(exchange);
    if (!isAuthorized(req, this.proxy.auth)) {
      exchange.answer(401, 'unauthorized', 'unauthorized', 'missing or wrong proxy token', {
        'www-authenticate': 'Bearer realm="offpath"',
      });
      return;
    }
    exchange.start();
  }

  excerptBytes(method: string, url: string): number {
    if (!this.#filter.wantsRequest(method, url)) return 0;
    return (this.#filter.options.captureBodies ?? true) ? this.#filter.maxBodyBytes : 0;
  }

  onRateLimited(requestId: string, waitMs: number): void {
    this.#deps.publish('rate-limited', {
      destination: this.proxy.name,
      proxy: this.proxy.name,
      requestId,
      waitMs,
      source: 'retry-after',
    });
  }

  onInactivity(requestId: string, inactiveForMs: number): void {
    this.#deps.publish('stream-inactivity', { requestId, proxy: this.proxy.name, inactiveForMs });
  }

  onDone(exchange: ExchangeView): void {
    const c = this.counters;
    this.#inFlight.delete(exchange);
    c.inFlight--;
    c.outcome(exchange.outcome);
    if (exchange.status !== 0) c.response(exchange.status);
    c.bytesIn += exchange.bytesIn;
    c.bytesOut += exchange.bytesOut;
    try {
      if (this.tracer.trace(exchange)) c.traced++;
    } catch (error) {
      // Tracing must never change what the client sees: count it, report it, move on.
      c.traceErrors++;
      this.#deps.onError(error);
    }
  }

  /** Exchanges being served. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  stats(): ProxyStats {
    return this.counters.snapshot({
      name: this.proxy.name,
      path: this.proxy.prefix || '/',
      target: this.proxy.target.href,
      breaker: this.breaker.state,
    });
  }

  /** Closes the upstream pool; exchanges still in flight are cut. */
  async close(): Promise<void> {
    await this.dispatcher.destroy();
  }
}
