/**
 * Sends one message with a deadline and applies its result: the request events, the limiter and the
 * breaker, and what becomes of the message — delivered, dead-lettered, or back in the outbox to wait
 * for its own retry time (the decision itself is {@link settleSend}).
 * @module
 */
import type { SendResult } from '../core/sink.js';
import type { OffpathError } from '../resilience/errors.js';
import { containedSend } from './contained-send.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import type { LaneContext, LaneSettings, LaneState } from './lane-settings.js';
import type { Outbox, OutboxItem } from './outbox.js';
import { settlePing, settleSend } from './settle-send.js';

/** What the sender needs of its lane. */
export interface SenderHost {
  readonly state: LaneState;
  /** The destination is gone: the lane stops and dead-letters what it holds. */
  disable(error: OffpathError | undefined): void;
  /** A send settled: the lane looks for more work. */
  pump(): void;
}

export class Sender {
  readonly #s: LaneSettings;
  readonly #c: LaneContext;
  readonly #ledger: DeliveryLedger;
  readonly #outbox: Outbox;
  readonly #host: SenderHost;
  readonly #close = new AbortController();
  /** A sink that throws (or returns a non-result) is a bug worth telling, beside the retry it causes. */
  readonly #sinkBroke = (error: unknown): void =>
    this.#c.report(error, { destination: this.#s.name, phase: 'sink' });
  #inFlight = 0;
  #lastSendAt = Number.NEGATIVE_INFINITY;

  constructor(
    settings: LaneSettings,
    context: LaneContext,
    parts: { ledger: DeliveryLedger; outbox: Outbox; host: SenderHost },
  ) {
    this.#s = settings;
    this.#c = context;
    this.#ledger = parts.ledger;
    this.#outbox = parts.outbox;
    this.#host = parts.host;
  }

  /** Sends not yet settled. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Epoch ms of the last send. */
  get lastSendAt(): number {
    return this.#lastSendAt;
  }

  /** Aborts every send in flight (the close deadline); their settlements follow at once. */
  abort(): void {
    this.#close.abort();
  }

  /** Sends `item` (already taken from the outbox); `probe` when the breaker let it through to test recovery. */
  send(item: OutboxItem, probe: boolean): void {
    this.#move(item, 'inFlight');
    this.#inFlight++;
    const { clock, events } = this.#c;
    const started = clock.now();
    this.#lastSendAt = started;
    item.attempts++;
    if (item.failures === 0) this.#s.retryBudget.recordAttempt();
    if (events.hasListeners('request-start')) {
      events.emit('request-start', { destination: this.#s.name, attempt: item.attempts });
    }
    const { sink, sendTimeoutMs } = this.#s;
    containedSend(
      (ctx) => sink.send(item.message.payload, ctx),
      sendTimeoutMs,
      clock,
      this.#close.signal,
      this.#sinkBroke,
    )
      .then((result) => {
        this.#inFlight--;
        try {
          this.#settle(item, result, clock.now() - started, probe);
        } catch (error) {
          this.#c.report(error, { destination: this.#s.name, phase: 'settle' });
        }
        this.#host.pump();
      })
      .catch((error: unknown) => this.#c.report(error, { destination: this.#s.name, phase: 'send' }));
  }

  /**
   * Sends the sink's ping as the breaker's probe (a cheap request that posts nothing): no batch is
   * sent, so none spends an attempt on a destination that is still down.
   */
  ping(ping: NonNullable<LaneSettings['sink']['ping']>): void {
    this.#inFlight++;
    containedSend(ping, this.#s.sendTimeoutMs, this.#c.clock, this.#close.signal, this.#sinkBroke)
      .then((result) => {
        this.#inFlight--;
        const { breaker, limiter } = this.#s;
        const s = settlePing(result, this.#s);
        if (s.breaker === 'success') breaker.onSuccess();
        else if (s.breaker === 'failure') breaker.onFailure();
        else breaker.releaseProbe();
        if (s.outcome === 'paused') limiter.pauseFor(s.waitMs);
        if (s.outcome === 'gone' && !result.ok) this.#host.disable(result.error);
        this.#host.pump();
      })
      .catch((error: unknown) => this.#c.report(error, { destination: this.#s.name, phase: 'ping' }));
  }

  #settle(item: OutboxItem, result: SendResult, latencyMs: number, probe: boolean): void {
    const { limiter, breaker, name: destination } = this.#s;
    const { events, clock } = this.#c;
    const attempt = item.attempts;
    // The server counted this request when it arrived, no later than now: count our window from here.
    limiter.complete();
    if (result.rate) limiter.update(result.rate);
    const error = result.ok ? undefined : result.error;
    if (!error && events.hasListeners('request-success')) {
      events.emit('request-success', { destination, attempt, latencyMs });
    } else if (error && events.hasListeners('request-failure')) {
      events.emit('request-failure', { destination, attempt, latencyMs, error });
    }
    const s = settleSend(result, item, { probe, closing: this.#host.state === 'closed' }, this.#s);
    if (s.breaker === 'success') breaker.onSuccess();
    else if (s.breaker === 'failure') breaker.onFailure();
    else if (probe) breaker.releaseProbe();
    switch (s.outcome) {
      case 'delivered':
        this.#ledger.deliver(item, 'inFlight', latencyMs);
        return;
      case 'shutdown':
        // Back to the outbox: the closing lane hands everything it holds over in order.
        this.#waitAgain(item, 0);
        return;
      case 'rejected':
        this.#ledger.deadLetter(item, 'inFlight', 'rejected', attempt, error);
        return;
      case 'exhausted':
        this.#ledger.deadLetter(item, 'inFlight', 'retries_exhausted', attempt, error);
        return;
      case 'gone':
        this.#waitAgain(item, 0);
        this.#host.disable(error);
        return;
      case 'paused':
        // A Retry-After pauses the whole destination, and is not an attempt spent by this message.
        item.attempts--;
        limiter.pauseFor(s.waitMs);
        if (events.hasListeners('rate-limited')) {
          events.emit('rate-limited', { destination, waitMs: s.waitMs, source: 'retry-after' });
        }
        this.#waitAgain(item, 0);
        return;
      case 'retry':
        if (s.refunded) item.attempts--;
        item.failures++;
        item.lastDelayMs = s.delayMs;
        if (error && events.hasListeners('retry')) {
          events.emit('retry', { destination, attempt, delayMs: s.waitMs, error });
        }
        this.#waitAgain(item, clock.now() + s.waitMs);
        return;
    }
  }

  #waitAgain(item: OutboxItem, notBefore: number): void {
    item.notBefore = notBefore;
    this.#move(item, 'waiting');
    this.#outbox.putBack(item);
  }

  #move(item: OutboxItem, to: 'inFlight' | 'waiting'): void {
    this.#ledger.move(item, item.stage, to);
    item.stage = to;
  }
}
