/**
 * One request through the gateway, from the client to the upstream and back: breaker gate, attempts
 * (retried only for idempotent requests whose body was not read, and only before anything went to the
 * client), the response streamed chunk by chunk with backpressure in both directions, the inactivity
 * watchdog, the proxy's own answers (502, 503, 504, 413), and at the end one trace.
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { Clock, TimerHandle } from '../resilience/clock.js';
import { parseRetryAfterHeader } from '../resilience/retry-after.js';
import type { RetryBudget } from '../resilience/retry-budget.js';
import type { RetryPolicy } from '../resilience/retry-policy.js';
import { BodyExcerpt } from './body-excerpt.js';
import type { ExchangeTracer, ExchangeView } from './exchange-trace.js';
import { isEventStream, stripResponseHeaders, upstreamRequestHeaders } from './forward-headers.js';
import type { ExchangeOutcome, ProxyCounters } from './proxy-counters.js';
import type { ResolvedProxy } from './proxy-options.js';
import { RequestBody } from './request-body.js';
import type { SecretScrubber } from './secret-scrubber.js';
import { StreamWatchdog } from './stream-watchdog.js';
import { type AttemptListener, UpstreamAttempt } from './upstream-attempt.js';

/** What an exchange needs from its proxy. */
export interface ExchangeHost {
  readonly proxy: ResolvedProxy;
  readonly dispatcher: Dispatcher;
  readonly breaker: CircuitBreaker;
  readonly retry: RetryPolicy;
  readonly budget: RetryBudget;
  readonly clock: Clock;
  readonly counters: ProxyCounters;
  readonly tracer: ExchangeTracer;
  readonly scrubber: SecretScrubber;
  /** Bytes of each body kept for the trace of a request the capture filter follows (0: none). */
  excerptBytes(method: string, url: string): number;
  onRateLimited(requestId: string, waitMs: number): void;
  onInactivity(requestId: string, inactiveForMs: number): void;
  /** Called once per exchange when it is over. */
  onDone(exchange: Exchange): void;
}

/** Methods RFC 9110 §9.2.2 defines as idempotent: only these are ever sent twice. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Why an attempt was stopped by the proxy (never shown to the client). */
class AttemptAbandoned extends Error {
  override readonly name = 'AttemptAbandoned';
}

export class Exchange implements AttemptListener, ExchangeView {
  readonly #host: ExchangeHost;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #path: string;
  readonly #body: RequestBody | undefined;
  readonly #excerptBytes: number;
  readonly #started = performance.now();
  readonly requestId: string;
  readonly method: string;
  readonly url: string;
  readonly upstreamHeaders: string[];
  readonly startedAt: number;
  readonly traceparent: string | undefined;
  #attempt: UpstreamAttempt | undefined;
  #timer: TimerHandle | undefined;
  #watchdog: StreamWatchdog | undefined;
  #responseExcerpt: BodyExcerpt | undefined;
  #eventStream = false;
  #done = false;
  status = 0;
  responseHeaders: IncomingHttpHeaders | undefined;
  ttfbMs = 0;
  totalMs = 0;
  bytesOut = 0;
  attempts = 0;
  outcome: ExchangeOutcome = 'completed';
  error: { code: string; message: string } | undefined;

  constructor(
    host: ExchangeHost,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    requestId: string,
  ) {
    this.#host = host;
    this.#req = req;
    this.#res = res;
    this.#path = path;
    this.requestId = requestId;
    this.method = req.method ?? 'GET';
    this.url = `${host.proxy.target.origin}${path}`;
    this.startedAt = host.clock.now();
    const traceparent = req.headers['traceparent'];
    this.traceparent = typeof traceparent === 'string' ? traceparent : undefined;
    this.upstreamHeaders = upstreamRequestHeaders(req, host.proxy);
    this.#excerptBytes = host.excerptBytes(this.method, this.url);
    this.#body = RequestBody.present(req)
      ? new RequestBody(req, host.proxy.maxRequestBytes, this.#excerptBytes)
      : undefined;
  }

  get bytesIn(): number {
    return this.#body?.excerpt.size ?? 0;
  }

  get requestExcerpt(): Buffer | undefined {
    return this.#excerptBytes > 0 ? this.#body?.excerpt.bytes() : undefined;
  }

  get responseExcerpt(): Buffer | undefined {
    return this.#responseExcerpt?.bytes();
  }

  /** Starts the exchange; everything after happens in callbacks. */
  start(): void {
    this.#res.on('close', this.#onClientClose);
    const length = Number(this.#req.headers['content-length'] ?? 0);
    if (length > this.#host.proxy.maxRequestBytes) {
      this.answer(
        413,
        'too-large',
        'request_too_large',
        `request body over ${this.#host.proxy.maxRequestBytes} bytes`,
      );
      return;
    }
    this.#host.budget.recordAttempt();
    this.#dispatch();
  }

  #dispatch(): void {
    const gate = this.#host.breaker.acquire();
    if (!gate.allowed) {
      const seconds = Math.max(1, Math.ceil(gate.retryAfterMs / 1000));
      this.answer(503, 'breaker-open', 'upstream_unavailable', 'the upstream is failing; try again later', {
        'retry-after': String(seconds),
      });
      return;
    }
    const attempt = new UpstreamAttempt(this, ++this.attempts, gate.probe);
    this.#attempt = attempt;
    this.#timer = this.#host.clock.setTimeout(
      () => this.#onHeadersTimeout(attempt),
      this.#host.proxy.timeoutMs,
    );
    this.#host.dispatcher.dispatch(
      {
        path: this.#path,
        method: this.method as Dispatcher.HttpMethod,
        headers: this.upstreamHeaders,
        // undici streams async iterables with backpressure; its types list only Readable.
        body: (this.#body?.iterable() ?? null) as Dispatcher.DispatchOptions['body'],
        // The proxy's own timers (headers timeout, inactivity watchdog) run on its injected clock.
        headersTimeout: 0,
        bodyTimeout: 0,
      },
      attempt,
    );
  }

  onAttemptStart(attempt: UpstreamAttempt): void {
    if (attempt !== this.#attempt) attempt.abort(new AttemptAbandoned('superseded'));
  }

  onAttemptResponse(
    attempt: UpstreamAttempt,
    status: number,
    headers: IncomingHttpHeaders,
    message?: string,
  ): void {
    if (attempt !== this.#attempt || this.#done) return;
    this.#clearTimer();
    const host = this.#host;
    if (status >= 500) host.breaker.onFailure();
    else host.breaker.onSuccess();
    if (status !== 429 && host.retry.isRetryableStatus(status) && this.#mayRetry()) {
      this.#retry(attempt);
      return;
    }
    this.status = status;
    this.ttfbMs = performance.now() - this.#started;
    this.responseHeaders = stripResponseHeaders(headers);
    if (!host.scrubber.empty) host.scrubber.headers(headers);
    if (status === 429) {
      host.counters.rateLimited++;
      const retryAfter = headers['retry-after'];
      host.onRateLimited(
        this.requestId,
        parseRetryAfterHeader(typeof retryAfter === 'string' ? retryAfter : undefined, host.clock.now()) ?? 0,
      );
    }
    headers['x-offpath-request-id'] = this.requestId;
    try {
      this.#res.writeHead(status, message, headers);
    } catch (error) {
      // Headers Node refuses to send (invalid characters): the client gets a clean 502 instead.
      attempt.abort(new AttemptAbandoned('bad response headers'));
      this.status = 0;
      this.#fail(
        'upstream-error',
        502,
        'bad_gateway',
        'the upstream sent headers that cannot be forwarded',
        error,
      );
      return;
    }
    this.#eventStream = isEventStream(headers);
    // An event stream's client must see the response begin at once, not with its first event.
    if (this.#eventStream) this.#res.flushHeaders();
    if (this.#excerptBytes > 0) this.#responseExcerpt = new BodyExcerpt(this.#excerptBytes);
    this.#watchdog = new StreamWatchdog(host.clock, host.proxy.inactivityTimeoutMs, (ms) =>
      this.#onInactive(attempt, ms),
    );
    this.#watchdog.start();
  }

  onAttemptData(attempt: UpstreamAttempt, chunk: Buffer): void {
    if (attempt !== this.#attempt || this.#done) return;
    this.bytesOut += chunk.length;
    this.#responseExcerpt?.add(chunk);
    this.#watchdog!.touch();
    if (!this.#res.write(chunk)) {
      // The client reads slower than the upstream sends: stop reading until it catches up.
      attempt.controller?.pause();
      this.#watchdog!.pause();
      this.#res.once('drain', this.#onDrain);
    }
  }

  onAttemptEnd(attempt: UpstreamAttempt): void {
    if (attempt !== this.#attempt || this.#done) return;
    this.#res.end();
    this.#finish('completed');
  }

  onAttemptError(attempt: UpstreamAttempt, error: Error): void {
    if (attempt !== this.#attempt || this.#done) return;
    this.#clearTimer();
    // A client that left mid-upload breaks the upstream request too: not the upstream's failure.
    if (this.#clientGone()) {
      this.#onClientClose();
      return;
    }
    if (this.status !== 0) {
      // Mid-response: the client already has part of it, so it can only be told the stream broke.
      this.#breakStream('upstream-error', error, 'upstream_error');
      return;
    }
    if (this.#body?.tooLarge) {
      if (attempt.probe) this.#host.breaker.releaseProbe();
      this.#fail('too-large', 413, 'request_too_large', error.message, error);
      return;
    }
    this.#host.breaker.onFailure();
    if (this.#host.retry.isRetryable(error) && this.#mayRetry()) {
      this.#retry(attempt);
      return;
    }
    this.#fail('upstream-error', 502, 'bad_gateway', 'the upstream could not be reached', error);
  }

  #onHeadersTimeout(attempt: UpstreamAttempt): void {
    this.#timer = undefined;
    if (attempt !== this.#attempt || this.#done) return;
    this.#host.breaker.onFailure();
    if (this.#mayRetry()) {
      this.#retry(attempt);
      return;
    }
    this.#attempt = undefined;
    attempt.abort(new AttemptAbandoned('headers timeout'));
    const ms = this.#host.proxy.timeoutMs;
    this.#fail('timeout', 504, 'upstream_timeout', `the upstream did not answer within ${ms} ms`, {
      code: 'ETIMEDOUT',
      message: `no response headers within ${ms} ms`,
    });
  }

  #onInactive(attempt: UpstreamAttempt, inactiveForMs: number): void {
    if (attempt !== this.#attempt || this.#done) return;
    this.#host.onInactivity(this.requestId, inactiveForMs);
    this.#breakStream(
      'stream-inactivity',
      { code: 'ESTREAMINACTIVE', message: `the upstream sent nothing for ${Math.round(inactiveForMs)} ms` },
      'stream_inactivity',
      inactiveForMs,
    );
  }

  /** Ends a response that had begun: SSE clients get a final `event: error`, others a cut stream. */
  #breakStream(outcome: ExchangeOutcome, error: unknown, code: string, inactiveForMs?: number): void {
    const attempt = this.#attempt;
    this.#attempt = undefined;
    attempt?.abort(new AttemptAbandoned(code));
    this.#noteError(error);
    const res = this.#res;
    if (this.#eventStream && this.responseHeaders?.['content-length'] === undefined && !res.destroyed) {
      const data = JSON.stringify({
        error: code,
        requestId: this.requestId,
        ...(inactiveForMs === undefined ? {} : { inactiveForMs: Math.round(inactiveForMs) }),
      });
      res.end(`\n\nevent: error\ndata: ${data}\n\n`);
    } else {
      // Ending normally would tell the client the body is complete; a reset tells it the truth.
      res.destroy();
    }
    this.#finish(outcome);
  }

  #mayRetry(): boolean {
    const host = this.#host;
    return (
      IDEMPOTENT.has(this.method) &&
      this.#body?.started !== true &&
      this.attempts < (host.retry.options.maxAttempts ?? 1) &&
      !this.#res.destroyed &&
      host.budget.tryAcquireRetry()
    );
  }

  #retry(attempt: UpstreamAttempt): void {
    this.#attempt = undefined;
    attempt.abort(new AttemptAbandoned('retrying'));
    this.#host.counters.retries++;
    this.#timer = this.#host.clock.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#done) this.#dispatch();
    }, this.#host.retry.delayFor(this.attempts));
  }

  /** The proxy answers itself (nothing came from the upstream yet). */
  #fail(outcome: ExchangeOutcome, status: number, code: string, message: string, error: unknown): void {
    this.#noteError(error);
    this.answer(status, outcome, code, message);
  }

  /** The proxy's own answer (nothing came from the upstream); also for requests refused before start. */
  answer(
    status: number,
    outcome: ExchangeOutcome,
    code: string,
    message: string,
    headers: Readonly<Record<string, string>> = {},
  ): void {
    const res = this.#res;
    if (!res.headersSent && !res.destroyed) {
      const body = JSON.stringify({ error: { code, message, requestId: this.requestId } });
      res.writeHead(status, {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'x-offpath-request-id': this.requestId,
      });
      res.end(body);
    }
    this.status = status;
    this.#finish(outcome);
  }

  #noteError(error: unknown): void {
    const e = error as { code?: unknown; name?: unknown; message?: unknown } | undefined;
    this.error = {
      code: typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'ERROR',
      message: String(e?.message ?? error),
    };
  }

  readonly #onDrain = (): void => {
    this.#watchdog?.resume();
    this.#attempt?.controller?.resume();
  };

  #clientGone(): boolean {
    return this.#res.destroyed || this.#req.socket?.destroyed === true || this.#req.errored !== null;
  }

  readonly #onClientClose = (): void => {
    if (this.#done || this.#res.writableFinished) return;
    const attempt = this.#attempt;
    this.#attempt = undefined;
    attempt?.abort(new AttemptAbandoned('client closed'));
    if (attempt?.probe && this.status === 0) this.#host.breaker.releaseProbe();
    this.#noteError({ code: 'ECONNRESET', message: 'the client closed the connection' });
    this.#finish('client-aborted');
  };

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#host.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #finish(outcome: ExchangeOutcome): void {
    if (this.#done) return;
    this.#done = true;
    this.#clearTimer();
    this.#watchdog?.stop();
    this.outcome = outcome;
    this.totalMs = performance.now() - this.#started;
    this.#host.onDone(this);
  }
}
