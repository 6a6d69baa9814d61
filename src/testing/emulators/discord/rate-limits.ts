/**
 * Discord's layered limits for unauthenticated webhook calls: a global per-IP window, a bucket per
 * webhook id+token (and method), a window per channel shared by its webhooks, and the invalid-request
 * counter that ends in a temporary ban.
 * @module
 */
import { FixedWindow, KeyedWindows, type RateDecision } from '../rate-windows.js';
import type { ResolvedDiscordOptions } from './options.js';

/** The outcome of the per-route limits. */
export type RouteOutcome =
  | { readonly kind: 'ok'; readonly bucket: RateDecision }
  | {
      readonly kind: 'limited';
      readonly scope: 'user' | 'shared';
      readonly bucket: RateDecision;
      readonly retryAfterMs: number;
    };

interface InvalidCount {
  count: number;
  resetAt: number;
}

/** All rate state of one Discord emulator. */
export class DiscordRateLimits {
  readonly #options: ResolvedDiscordOptions;
  readonly #global: KeyedWindows<FixedWindow>;
  readonly #buckets: KeyedWindows<FixedWindow>;
  readonly #channels: KeyedWindows<FixedWindow>;
  readonly #invalid = new Map<string, InvalidCount>();

  constructor(options: ResolvedDiscordOptions) {
    this.#options = options;
    this.#global = new KeyedWindows(() => new FixedWindow(options.globalLimit, options.globalWindowMs));
    this.#buckets = new KeyedWindows(() => new FixedWindow(options.webhookLimit, options.webhookWindowMs));
    this.#channels = new KeyedWindows(() => new FixedWindow(options.channelLimit, options.channelWindowMs));
  }

  /** Counts one request against the client's global window. */
  takeGlobal(ip: string, now: number): RateDecision {
    return this.#global.get(ip).take(now);
  }

  /** The bucket state without counting (for headers on answers that do not consume). */
  peekBucket(bucketKey: string, now: number): RateDecision {
    return this.#buckets.get(bucketKey).peek(now);
  }

  /** Counts one request against its bucket and, when it posts a message, its channel. */
  takeRoute(bucketKey: string, channelId: string | undefined, now: number): RouteOutcome {
    const bucketWindow = this.#buckets.get(bucketKey);
    const bucket = bucketWindow.peek(now);
    if (!bucket.allowed) return { kind: 'limited', scope: 'user', bucket, retryAfterMs: bucket.retryAfterMs };
    if (channelId !== undefined) {
      const channel = this.#channels.get(channelId).peek(now);
      if (!channel.allowed) {
        return {
          kind: 'limited',
          scope: this.#options.channelLimitScope,
          bucket,
          retryAfterMs: channel.retryAfterMs,
        };
      }
      this.#channels.get(channelId).take(now);
    }
    return { kind: 'ok', bucket: bucketWindow.take(now) };
  }

  /** Counts one invalid request (401, 403, non-shared 429) of `ip`. */
  countInvalid(ip: string, now: number): void {
    const entry = this.#entry(ip, now);
    if (entry.count === 0) entry.resetAt = now + this.#options.invalidRequestWindowMs;
    entry.count++;
  }

  /** Invalid requests of `ip` in its current window. */
  invalidCount(ip: string, now: number): number {
    return this.#entry(ip, now).count;
  }

  /** True while `ip` is over the invalid-request limit and its window has not passed. */
  banned(ip: string, now: number): boolean {
    return this.#entry(ip, now).count >= this.#options.invalidRequestLimit;
  }

  /** Epoch ms when the ban (or window) of `ip` ends. */
  banEndsAt(ip: string, now: number): number {
    return this.#entry(ip, now).resetAt;
  }

  /** Forgets every window and counter. */
  reset(): void {
    this.#global.clear();
    this.#buckets.clear();
    this.#channels.clear();
    this.#invalid.clear();
  }

  #entry(ip: string, now: number): InvalidCount {
    let entry = this.#invalid.get(ip);
    if (!entry || (entry.count > 0 && now >= entry.resetAt)) {
      entry = { count: 0, resetAt: now };
      this.#invalid.set(ip, entry);
    }
    return entry;
  }
}
