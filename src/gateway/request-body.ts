/**
 * The client's request body on its way upstream: streamed chunk by chunk with backpressure (undici
 * pulls the next chunk only when the socket to the upstream has room), counted, excerpted for the
 * trace, and cut when it passes the proxy's size limit. It is never buffered, so an attempt can be
 * retried only while not a byte of it has been read.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { BodyExcerpt } from './body-excerpt.js';

/** Thrown into the upstream request when the body passes the proxy's limit. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  readonly code = 'ERR_BODY_TOO_LARGE';
}

export class RequestBody {
  readonly #req: IncomingMessage;
  readonly #maxBytes: number;
  readonly excerpt: BodyExcerpt;
  /** True once the first chunk was read: from then on the attempt cannot be repeated. */
  started = false;
  /** True when the body was cut at the limit. */
  tooLarge = false;
  /** Called once the whole body has been read (and handed to the upstream connection). */
  onEnd: (() => void) | undefined;

  constructor(req: IncomingMessage, maxBytes: number, excerptBytes: number) {
    this.#req = req;
    this.#maxBytes = maxBytes;
    this.excerpt = new BodyExcerpt(excerptBytes);
  }

  /** True when the request has a body at all (a length above 0, or chunked). */
  static present(req: IncomingMessage): boolean {
    const length = req.headers['content-length'];
    return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  }

  /** The body as undici reads it: a fresh iterable per attempt, valid while nothing was read. */
  iterable(): AsyncIterable<Buffer> {
    return this.#chunks();
  }

  async *#chunks(): AsyncGenerator<Buffer> {
    // destroyOnReturn false: when the upstream fails mid-upload the client must still get an answer.
    for await (const chunk of this.#req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      this.started = true;
      this.excerpt.add(chunk);
      if (this.excerpt.size > this.#maxBytes) {
        this.tooLarge = true;
        throw new BodyTooLargeError(`request body over ${this.#maxBytes} bytes`);
      }
      yield chunk;
    }
    this.onEnd?.();
  }
}
