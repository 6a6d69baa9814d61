/**
 * One request through the gateway, from the client to the upstream and back: breaker gate, attempts
 * (retried only for idempotent requests whose body was not read, and only before anything went to the
 * client), the response streamed chunk by chunk with backpressure in both directions, the inactivity
 * watchdog, the proxy's own answers (502, 503, 504, 413), and at the end one trace.
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { TimerHandle } from '../resilience/clock.js';
import { parseRetryAfterHeader } from '../resilience/retry-after.js';
import { ClientResponse } from './client-response.js';
import type { ExchangeHost } from './exchange-host.js';
import type { ExchangeView } from './exchange-trace.js';
import { stripResponseHeaders, upstreamRequestHeaders } from './forward-headers.js';
import type { ExchangeOutcome } from './proxy-counters.js';
import { RequestBody } from './request-body.js';
import { type AttemptListener, UpstreamAttempt } from './upstream-attempt.js';

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
  readonly #client: ClientResponse;
  #attempt: UpstreamAttempt | undefined;
  #timer: TimerHandle | undefined;
  #done = false;
  status = 0;
  responseHeaders: IncomingHttpHeaders | undefined;
  ttfbMs = 0;
  totalMs = 0;
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
    this.#client = new ClientResponse(res, requestId);
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
    return this.#client.excerpt;
  }

  get bytesOut(): number {
    return this.#client.bytes;
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
    // The upstream's time to answer counts from the end of the request: a 1 GB upload is not slow
    // headers. (A client that stalls mid-upload is bounded by the server's socket timeouts.)
    const arm = (): void => {
      if (attempt !== this.#attempt || this.#done) return;
      this.#timer = this.#host.clock.setTimeout(
        () => this.#onHeadersTimeout(attempt),
        this.#host.proxy.timeoutMs,
      );
    };
    if (this.#body) this.#body.onEnd = arm;
    else arm();
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
    const begun = this.#client.begin(status, message, headers, {
      clock: host.clock,
      inactivityTimeoutMs: host.proxy.inactivityTimeoutMs,
      excerptBytes: this.#excerptBytes,
      onInactive: (ms) => this.#onInactive(attempt, ms),
    });
    if (!begun) {
      attempt.abort(new AttemptAbandoned('bad response headers'));
      this.status = 0;
      this.#fail('upstream-error', 502, 'bad_gateway', 'the upstream sent headers that cannot be forwarded', {
        code: 'ERR_INVALID_HEADER',
        message: 'response headers Node refuses to send',
      });
    }
  }

  onAttemptData(attempt: UpstreamAttempt, chunk: Buffer): void {
    if (attempt !== this.#attempt || this.#done) return;
    this.#client.write(chunk, attempt.controller);
  }

  onAttemptEnd(attempt: UpstreamAttempt): void {
    if (attempt !== this.#attempt || this.#done) return;
    this.#client.end();
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
    const ms = Math.round(inactiveForMs);
    this.#breakStream(
      'stream-inactivity',
      { code: 'ESTREAMINACTIVE', message: `the upstream sent nothing for ${ms} ms` },
      'stream_inactivity',
      { inactiveForMs: ms },
    );
  }

  /** Ends a response that had begun (see {@link ClientResponse.break}). */
  #breakStream(
    outcome: ExchangeOutcome,
    error: unknown,
    code: string,
    details?: Record<string, unknown>,
  ): void {
    const attempt = this.#attempt;
    this.#attempt = undefined;
    attempt?.abort(new AttemptAbandoned(code));
    this.#noteError(error);
    this.#client.break(code, details);
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
    this.#client.problem(status, code, message, headers);
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
    this.#client.stop();
    this.outcome = outcome;
    this.totalMs = performance.now() - this.#started;
    this.#host.onDone(this);
  }
}
