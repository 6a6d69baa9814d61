/**
 * The client's side of an exchange: the upstream's response relayed chunk by chunk (counted,
 * excerpted, watched for inactivity, paused while the client's socket is full), the proxy's own JSON
 * answers, and how a begun response is broken off (SSE: a final `event: error`; anything else: a
 * reset, so a truncated body is never taken for a whole one).
 * @module
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Clock } from '../resilience/clock.js';
import { BodyExcerpt } from './body-excerpt.js';
import { isEventStream } from './forward-headers.js';
import { StreamWatchdog } from './stream-watchdog.js';

/** What the relay needs to pause and resume the upstream. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

export class ClientResponse {
  readonly #res: ServerResponse;
  readonly #requestId: string;
  #excerpt: BodyExcerpt | undefined;
  #watchdog: StreamWatchdog | undefined;
  #upstream: Pausable | undefined;
  #eventStream = false;
  #lengthKnown = false;
  /** Body bytes relayed to the client. */
  bytes = 0;

  constructor(res: ServerResponse, requestId: string) {
    this.#res = res;
    this.#requestId = requestId;
  }

  /** True when the client's side is gone. */
  get destroyed(): boolean {
    return this.#res.destroyed;
  }

  get excerpt(): Buffer | undefined {
    return this.#excerpt?.bytes();
  }

  /**
   * Sends the upstream's status and headers and starts the watchdog. False when Node refuses the
   * headers (invalid characters): nothing was sent, and the caller answers 502 instead.
   */
  begin(
    status: number,
    message: string | undefined,
    headers: IncomingHttpHeaders,
    watch: {
      clock: Clock;
      inactivityTimeoutMs: number;
      excerptBytes: number;
      onInactive: (ms: number) => void;
    },
  ): boolean {
    headers['x-offpath-request-id'] = this.#requestId;
    try {
      this.#res.writeHead(status, message, headers);
    } catch {
      return false;
    }
    this.#eventStream = isEventStream(headers);
    this.#lengthKnown = headers['content-length'] !== undefined;
    // An event stream's client must see the response begin at once, not with its first event.
    if (this.#eventStream) this.#res.flushHeaders();
    if (watch.excerptBytes > 0) this.#excerpt = new BodyExcerpt(watch.excerptBytes);
    this.#watchdog = new StreamWatchdog(watch.clock, watch.inactivityTimeoutMs, watch.onInactive);
    this.#watchdog.start();
    return true;
  }

  /** Relays one chunk; when the client's socket is full, pauses `upstream` until it drains. */
  write(chunk: Buffer, upstream: Pausable | undefined): void {
    this.bytes += chunk.length;
    this.#excerpt?.add(chunk);
    this.#watchdog?.touch();
    if (!this.#res.write(chunk)) {
      this.#upstream = upstream;
      upstream?.pause();
      this.#watchdog?.pause();
      this.#res.once('drain', this.#onDrain);
    }
  }

  end(): void {
    this.#watchdog?.stop();
    this.#res.end();
  }

  /** Ends a begun response early; `details` go into an SSE client's final error event. */
  break(code: string, details: Readonly<Record<string, unknown>> = {}): void {
    this.#watchdog?.stop();
    if (this.#res.destroyed) return;
    if (this.#eventStream && !this.#lengthKnown) {
      const data = JSON.stringify({ error: code, requestId: this.#requestId, ...details });
      this.#res.end(`\n\nevent: error\ndata: ${data}\n\n`);
    } else {
      // Ending normally would tell the client the body is complete; a reset tells it the truth.
      this.#res.destroy();
    }
  }

  /** The proxy's own answer, when nothing was sent yet. */
  problem(status: number, code: string, message: string, headers: Readonly<Record<string, string>>): void {
    const res = this.#res;
    if (res.headersSent || res.destroyed) return;
    const body = JSON.stringify({ error: { code, message, requestId: this.#requestId } });
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-offpath-request-id': this.#requestId,
    });
    res.end(body);
  }

  /** Stops watching (the exchange is over, whichever way). */
  stop(): void {
    this.#watchdog?.stop();
  }

  readonly #onDrain = (): void => {
    this.#watchdog?.resume();
    this.#upstream?.resume();
  };
}
