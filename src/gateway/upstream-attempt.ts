/**
 * One attempt of an exchange at the upstream: undici's dispatch handler for a single request. It
 * only relays undici's callbacks to its listener, tagged with itself, so that an exchange can tell a
 * live attempt from one it has given up on (timed out, or abandoned for a retry) whose callbacks
 * arrive late.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** What an attempt reports to (the exchange). */
export interface AttemptListener {
  onAttemptStart(attempt: UpstreamAttempt): void;
  onAttemptResponse(
    attempt: UpstreamAttempt,
    status: number,
    headers: IncomingHttpHeaders,
    message?: string,
  ): void;
  onAttemptData(attempt: UpstreamAttempt, chunk: Buffer): void;
  onAttemptEnd(attempt: UpstreamAttempt): void;
  onAttemptError(attempt: UpstreamAttempt, error: Error): void;
}

export class UpstreamAttempt implements Dispatcher.DispatchHandler {
  readonly #listener: AttemptListener;
  /** 1 for the first attempt. */
  readonly number: number;
  /** True when this attempt holds the half-open breaker's probe slot. */
  readonly probe: boolean;
  /** Set once undici has put the request on a connection. */
  controller: Dispatcher.DispatchController | undefined;

  constructor(listener: AttemptListener, number: number, probe: boolean) {
    this.#listener = listener;
    this.number = number;
    this.probe = probe;
  }

  /** Stops the attempt, now if it is on a connection, else as soon as it gets one. */
  abort(reason: Error): void {
    this.#abortReason = reason;
    this.controller?.abort(reason);
  }

  #abortReason: Error | undefined;

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.#abortReason) controller.abort(this.#abortReason);
    else this.#listener.onAttemptStart(this);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
    message?: string,
  ): void {
    this.#listener.onAttemptResponse(this, status, headers, message);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#listener.onAttemptData(this, chunk);
  }

  onResponseEnd(): void {
    this.#listener.onAttemptEnd(this);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#listener.onAttemptError(this, error);
  }
}
