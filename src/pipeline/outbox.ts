/**
 * Formatted messages of one lane that wait for a send: fresh ones in formation order, and failed
 * ones waiting for their own retry time.
 *
 * - **Ordered** (one send at a time: chat destinations): a failed message goes back to the front and
 *   everything behind it waits, so messages arrive in the order they were formed.
 * - **Unordered** (several sends in flight: HTTP collectors): a failed message waits for its own
 *   backoff while fresh messages keep going; it is sent again, before fresh ones, once due.
 * @module
 */
import type { OutgoingMessage } from '../core/sink.js';
import { Deque } from './deque.js';
import { type Parcel, parcelOf } from './parcel.js';

/** A formatted message waiting for, or in, a send. */
export interface OutboxItem extends Parcel {
  readonly message: OutgoingMessage;
  /** Epoch ms of its oldest record. */
  readonly oldest: number;
  stage: 'batched' | 'waiting' | 'inFlight';
  /** Formation order in its outbox (set by {@link Outbox.add}). */
  order: number;
  /** Sends that counted as attempts (probes and rate-limit answers do not). */
  attempts: number;
  /** Failed sends, for the backoff. */
  failures: number;
  /** Not sent again before this epoch ms. */
  notBefore: number;
  lastDelayMs: number;
}

/** A fresh item for a formatted message. */
export function outboxItem(message: OutgoingMessage, sizes: readonly number[], oldest: number): OutboxItem {
  const { records, weight, bytes } = parcelOf(message.records, sizes);
  return {
    message,
    records,
    weight,
    bytes,
    sizes,
    oldest,
    stage: 'batched',
    order: 0,
    attempts: 0,
    failures: 0,
    notBefore: 0,
    lastDelayMs: 0,
  };
}

/** The outbox's answer to "what can go now?". */
export type NextSend =
  | { readonly item: OutboxItem }
  /** Nothing is due; the earliest item is due in `waitMs`. */
  | { readonly item?: undefined; readonly waitMs: number }
  /** Nothing waits (or, without retries, nothing fresh waits). */
  | undefined;

export class Outbox {
  readonly #ordered: boolean;
  readonly #fresh = new Deque<OutboxItem>();
  readonly #retrying: OutboxItem[] = [];
  #formed = 0;

  constructor(ordered: boolean) {
    this.#ordered = ordered;
  }

  get size(): number {
    return this.#fresh.size + this.#retrying.length;
  }

  /** Epoch ms of the oldest record waiting, if any. */
  get oldest(): number | undefined {
    let oldest = this.#fresh.peek()?.oldest;
    for (const item of this.#retrying) if (oldest === undefined || item.oldest < oldest) oldest = item.oldest;
    return oldest;
  }

  add(item: OutboxItem): void {
    item.order = ++this.#formed;
    this.#fresh.push(item);
  }

  /** Takes back an item whose send failed (or never happened); it waits until `item.notBefore`. */
  putBack(item: OutboxItem): void {
    if (this.#ordered) this.#fresh.unshift(item);
    else this.#retrying.push(item);
  }

  /**
   * The item to send now: in ordered mode the head, when due; otherwise the earliest due retry
   * (unless `retries` is false, when the retry budget is spent), else the oldest fresh item.
   */
  next(now: number, retries = true): NextSend {
    if (this.#ordered) {
      const head = this.#fresh.peek();
      if (!head || (!retries && head.failures > 0)) return undefined;
      return head.notBefore <= now ? { item: head } : { waitMs: head.notBefore - now };
    }
    let due: OutboxItem | undefined;
    let soonest = Number.POSITIVE_INFINITY;
    for (const item of retries ? this.#retrying : []) {
      if (item.notBefore <= now) {
        if (!due || item.notBefore < due.notBefore) due = item;
      } else soonest = Math.min(soonest, item.notBefore - now);
    }
    const item = due ?? this.#fresh.peek();
    if (item) return { item };
    return soonest === Number.POSITIVE_INFINITY ? undefined : { waitMs: soonest };
  }

  /** Removes an item {@link next} returned. */
  take(item: OutboxItem): void {
    if (this.#fresh.peek() === item) {
      this.#fresh.shift();
      return;
    }
    const i = this.#retrying.indexOf(item);
    if (i >= 0) this.#retrying.splice(i, 1);
  }

  /**
   * True when no new message may be formed yet: in ordered mode while anything waits here, so that
   * records keep their order and the next message carries more of them.
   */
  get blocked(): boolean {
    return this.#ordered && this.#fresh.size > 0;
  }

  /** Removes and returns everything, in the order the messages were formed. */
  drain(): OutboxItem[] {
    const out = this.#retrying.splice(0);
    for (let item = this.#fresh.shift(); item; item = this.#fresh.shift()) out.push(item);
    return out.sort((a, b) => a.order - b.order);
  }
}
