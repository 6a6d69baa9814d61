/**
 * The storm scenario shared by the acceptance test and the storm bench: the events it emits, and how to
 * read a Discord channel afterwards (which kinds a person saw and when, what the digests counted, how
 * close the posting came to the platform's limits).
 */

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
const KIND_TOKEN = /\bfault-([a-z]{2})\b/g;
/** A cooldown digest's title (`×N more in …`) or a storm digest's (`Storm: ×N events in …`), after the emoji. */
const DIGEST_TITLE = /^\S+ (?:×([\d,]+) more in |Storm: ×([\d,]+) events in )/;

/** Discord's observed limits, which the emulator enforces by default. */
export const WEBHOOK_LIMIT = { limit: 5, windowMs: 2_000 } as const;
export const CHANNEL_LIMIT = { limit: 30, windowMs: 60_000 } as const;

/**
 * The name of kind `i`. Letters only: the fingerprint template collapses digits, and a digest's label is
 * built from it, so a numeric name would no longer tell the kinds apart in the channel.
 */
export function kindName(i: number): string {
  return `fault-${ALPHABET[Math.floor(i / 26) % 26]}${ALPHABET[i % 26]}`;
}

/** Event number `n` of the storm: one of `kinds` kinds, round-robin, with varying details. */
export function stormEvent(n: number, kinds: number) {
  const kind = kindName(n % kinds);
  return {
    kind,
    event: {
      level: 'error' as const,
      title: `Payment gateway ${kind}`,
      message: `order ${n} failed after ${n % 900} ms`,
      fingerprint: kind,
    },
  };
}

/** The part of an emulated Discord message this reading needs. */
export interface ChannelMessage {
  readonly time: number;
  readonly embeds: readonly unknown[];
}

/** What a person reading the channel could learn. */
export interface ChannelReading {
  /** Each kind's first appearance (message time), by kind name. */
  readonly firstSeen: ReadonlyMap<string, number>;
  /** Events counted by the digests posted (cooldown and storm). */
  readonly digested: number;
  /** Storm digests posted. */
  readonly stormDigests: number;
  /** The most messages in any 2 s, and in any 60 s (sliding, stricter than Discord's fixed windows). */
  readonly mostPerWebhookWindow: number;
  readonly mostPerChannelWindow: number;
}

interface Embed {
  readonly title?: string;
  readonly description?: string;
}

/** Reads the kinds (in embed titles and descriptions, where storm groups are listed) and the digests. */
export function readChannel(messages: readonly ChannelMessage[]): ChannelReading {
  const firstSeen = new Map<string, number>();
  let digested = 0;
  let stormDigests = 0;
  for (const message of messages) {
    for (const embed of message.embeds as Embed[]) {
      for (const m of `${embed.title ?? ''}\n${embed.description ?? ''}`.matchAll(KIND_TOKEN)) {
        const kind = `fault-${m[1]}`;
        if (!firstSeen.has(kind)) firstSeen.set(kind, message.time);
      }
      const digest = DIGEST_TITLE.exec(embed.title ?? '');
      if (!digest) continue;
      digested += Number((digest[1] ?? digest[2])!.replaceAll(',', ''));
      if (digest[2]) stormDigests++;
    }
  }
  const times = messages.map((m) => m.time);
  return {
    firstSeen,
    digested,
    stormDigests,
    mostPerWebhookWindow: mostInAnyWindow(times, WEBHOOK_LIMIT.windowMs),
    mostPerChannelWindow: mostInAnyWindow(times, CHANNEL_LIMIT.windowMs),
  };
}

/** The most messages the webhook bucket and the channel window admit over `spanMs`, with fixed windows. */
export function mostAllowed(spanMs: number): number {
  const bucket = WEBHOOK_LIMIT.limit * (Math.floor(spanMs / WEBHOOK_LIMIT.windowMs) + 1);
  const channel = CHANNEL_LIMIT.limit * (Math.floor(spanMs / CHANNEL_LIMIT.windowMs) + 1);
  return Math.min(bucket, channel);
}

/** The most of `times` (ascending) found in any span of `windowMs`. */
function mostInAnyWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  let from = 0;
  for (let to = 0; to < times.length; to++) {
    while (times[to]! - times[from]! >= windowMs) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
}
