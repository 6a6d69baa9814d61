/**
 * Discord messages: one embed per record, up to 10 embeds and 6,000 characters per message, every
 * limit of Execute Webhook met by construction. Nothing a record contains can ping anyone or break
 * out of a code block.
 * @module
 */
import type { EventRecord } from '../../core/event.js';
import type { OutgoingMessage } from '../../core/sink.js';
import { clip, fitLines } from '../text/fit.js';
import { buildView, type MessageView, type ViewOptions } from '../view/message-view.js';

/** An embed as Discord's API takes it. */
export interface DiscordEmbed {
  title: string;
  description?: string;
  color: number;
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
  footer?: { text: string };
  timestamp: string;
}

/** The body of one Execute Webhook call. */
export interface DiscordPayload {
  /** Only the configured mention line of a message holding a `critical` record. */
  content?: string;
  embeds: DiscordEmbed[];
  /** Nothing parsed from text, ever; the configured ids only, and only with `content`. */
  allowed_mentions: { parse: []; roles?: string[]; users?: string[] };
  username?: string;
  avatar_url?: string;
}

/** Options of {@link formatDiscord}. */
export interface DiscordFormatOptions extends ViewOptions {
  /** Display name override (1–80 characters; names Discord forbids are cleaned). */
  readonly username?: string | undefined;
  readonly avatarUrl?: string | undefined;
  /** Roles and users a message holding a `critical` record mentions. @default undefined (nobody) */
  readonly criticalMention?: DiscordMention | undefined;
}

/** Discord ids (17-20 digits) of roles and users to mention. */
export interface DiscordMention {
  readonly roles?: readonly string[] | undefined;
  readonly users?: readonly string[] | undefined;
}

/** Discord's limits (developers/resources/message.mdx, "Embed Limits"). */
export const DISCORD_LIMITS = {
  embedsPerMessage: 10,
  totalPerMessage: 6_000,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
} as const;

// Our own budget inside Discord's 6,000, so that any single record fits one message.
const FIELDS_BUDGET = 1_400;
const FOOTER_MAX = 200;

/** Formats a batch into as few messages as the limits allow, in order. */
export function formatDiscord(
  batch: readonly EventRecord[],
  options: DiscordFormatOptions = {},
): OutgoingMessage<DiscordPayload>[] {
  const messages: OutgoingMessage<DiscordPayload>[] = [];
  let embeds: DiscordEmbed[] = [];
  let records: EventRecord[] = [];
  let total = 0;
  const flush = (): void => {
    if (embeds.length === 0) return;
    messages.push({ payload: payload(embeds, records, options), records });
    embeds = [];
    records = [];
    total = 0;
  };
  for (const record of batch) {
    const embed = renderEmbed(buildView(record, options));
    const size = embedSize(embed);
    if (embeds.length >= DISCORD_LIMITS.embedsPerMessage || total + size > DISCORD_LIMITS.totalPerMessage)
      flush();
    embeds.push(embed);
    records.push(record);
    total += size;
  }
  flush();
  return messages;
}

/** One embed, within every per-embed limit and within 6,000 in total. */
export function renderEmbed(view: MessageView): DiscordEmbed {
  const title = clip(`${view.emoji} ${neutralize(view.title)}`, DISCORD_LIMITS.title);
  const footer = clip(neutralize(view.footer), FOOTER_MAX);
  const fields = renderFields(view);
  const fieldsSize = fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const room = Math.min(
    DISCORD_LIMITS.description,
    DISCORD_LIMITS.totalPerMessage - title.length - footer.length - fieldsSize,
  );
  const description = renderDescription(view, room);
  return {
    title,
    ...(description ? { description } : {}),
    color: view.color,
    ...(fields.length > 0 ? { fields } : {}),
    ...(footer ? { footer: { text: footer } } : {}),
    timestamp: new Date(view.time).toISOString(),
  };
}

function renderFields(view: MessageView): Array<{ name: string; value: string; inline?: boolean }> {
  const out: Array<{ name: string; value: string; inline?: boolean }> = [];
  let used = 0;
  for (let i = 0; i < view.facts.length; i++) {
    const fact = view.facts[i]!;
    const rest = view.facts.length - i;
    if (out.length === DISCORD_LIMITS.fields - 1 && rest > 1) {
      out.push({ name: '…', value: `${rest} more fields not shown` });
      break;
    }
    const name = clip(neutralize(fact.name), 64) || '\u200b';
    const value = clip(neutralize(fact.value), Math.min(DISCORD_LIMITS.fieldValue, 300)) || '\u200b';
    if (used + name.length + value.length > FIELDS_BUDGET) {
      out.push({ name: '…', value: `${rest} more fields not shown` });
      break;
    }
    used += name.length + value.length;
    out.push({ name, value, ...(value.length <= 40 ? { inline: true } : {}) });
  }
  return out;
}

/** Summary, digest groups and code blocks, each block closed properly whatever was cut. */
function renderDescription(view: MessageView, room: number): string {
  const parts: string[] = [];
  let left = room;
  const add = (text: string): void => {
    if (left <= 0) return;
    const piece = clip(text, left);
    parts.push(piece);
    left -= piece.length + 2;
  };
  if (view.summary) add(neutralize(view.summary));
  if (view.groups.length > 0)
    add(view.groups.map((g) => `**×${g.count.toLocaleString('en-US')}** ${neutralize(g.label)}`).join('\n'));
  view.blocks.forEach((block, i) => {
    // Later blocks share what is left; each keeps at least a readable excerpt.
    const share = Math.floor(left / (view.blocks.length - i));
    const header = `**${neutralize(block.label)}**\n\`\`\`${block.lang}\n`;
    const closing = '\n```';
    const body = share - header.length - closing.length;
    if (body < 40) return;
    add(`${header}${fitLines(defuseFences(block.text), body)}${closing}`);
  });
  return parts.join('\n\n');
}

function payload(
  embeds: DiscordEmbed[],
  records: readonly EventRecord[],
  options: DiscordFormatOptions,
): DiscordPayload {
  const username = options.username === undefined ? undefined : cleanUsername(options.username);
  const mention = records.some((r) => r.level === 'critical')
    ? criticalMention(options.criticalMention)
    : undefined;
  return {
    ...(mention ? { content: mention.content } : {}),
    embeds,
    // Never ping anyone the text names; a critical message pings exactly the configured ids.
    allowed_mentions: mention?.allowed ?? { parse: [] },
    ...(username ? { username } : {}),
    ...(options.avatarUrl ? { avatar_url: options.avatarUrl } : {}),
  };
}

/**
 * The mention line and the `allowed_mentions` that let exactly its ids ping. Mentions go in `content`
 * because mentions inside embeds never notify.
 */
function criticalMention(
  mention: DiscordMention | undefined,
): { content: string; allowed: DiscordPayload['allowed_mentions'] } | undefined {
  const roles = [...(mention?.roles ?? [])];
  const users = [...(mention?.users ?? [])];
  if (roles.length + users.length === 0) return undefined;
  return {
    content: ['🚨', ...roles.map((id) => `<@&${id}>`), ...users.map((id) => `<@${id}>`)].join(' '),
    allowed: {
      parse: [],
      ...(roles.length > 0 ? { roles } : {}),
      ...(users.length > 0 ? { users } : {}),
    },
  };
}

/** What Discord counts toward the 6,000 limit. */
export function embedSize(embed: DiscordEmbed): number {
  let n = embed.title.length + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/**
 * Makes user text inert in markdown: mentions even where `allowed_mentions` would not apply (a copy
 * pasted elsewhere: a zero-width space after `@` in @everyone/@here and inside `<@…>`, `<@&…>`,
 * `<#…>`), and code fences, since an odd number of ``` would turn the rest of the message into code.
 */
export function neutralize(text: string): string {
  return defuseFences(
    text.replace(/@(everyone|here)/gi, '@\u200b$1').replace(/<(@[!&]?|#)(\d+)>/g, '<$1\u200b$2>'),
  );
}

/** A ``` inside a code block would end it early: break the run with a zero-width space. */
export function defuseFences(text: string): string {
  return text.replace(/```/g, '`\u200b`\u200b`');
}

/** Discord refuses usernames with "discord", "clyde", "@", "#", ":", "```", or equal to everyone/here. */
function cleanUsername(name: string): string | undefined {
  const cleaned = name
    .replace(/discord/gi, 'd1scord')
    .replace(/clyde/gi, 'c1yde')
    .replace(/[@#:]|```/g, '')
    .trim()
    .slice(0, 80);
  if (cleaned === '' || /^(everyone|here)$/i.test(cleaned)) return undefined;
  return cleaned;
}
