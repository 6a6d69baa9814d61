/**
 * Telegram messages in HTML parse mode. The 4,096 limit counts the text after entity parsing, so each
 * piece of markup is built with its visible length known; a record too long for one message is split
 * into several, in order, each with balanced tags. Short records share a message.
 * @module
 */
import type { EventRecord } from '../../core/event.js';
import type { OutgoingMessage } from '../../core/sink.js';
import { fitLines, safeSlice } from '../text/fit.js';
import { buildView, type MessageView, type ViewOptions } from '../view/message-view.js';

/** The body of one sendMessage call. */
export interface TelegramPayload {
  chat_id: number | string;
  text: string;
  parse_mode: 'HTML';
  link_preview_options: { is_disabled: true };
  message_thread_id?: number;
  disable_notification?: boolean;
}

/** Options of {@link formatTelegram}. */
export interface TelegramFormatOptions extends ViewOptions {
  readonly chatId: number | string;
  readonly messageThreadId?: number | undefined;
  readonly disableNotification?: boolean | undefined;
  /** Users a `critical` record mentions, under its title. @default undefined (nobody) */
  readonly criticalMention?: TelegramMention | undefined;
}

/** Telegram users to mention: a numeric user id (an inline mention) or an `@username`. */
export interface TelegramMention {
  readonly users?: ReadonlyArray<number | string> | undefined;
}

/** Visible characters per message (UTF-16 units, after entity parsing). */
export const TELEGRAM_TEXT_LIMIT = 4_096;
// Long code blocks are kept to this many visible characters per record, so one failure with a 100 KB
// body becomes two or three messages, not thirty.
const BLOCK_MAX = 3_000;
const SEPARATOR = { html: '\n\n', visible: 2 };

/** A piece of HTML with the length Telegram will count for it. */
interface Segment {
  readonly html: string;
  readonly visible: number;
}

/** Escapes text for HTML parse mode: `&` first, then `<` and `>`. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Telegram links `@username` in any message text and notifies that user: a zero-width space after the
 * `@` keeps a name in a record inert (an e-mail address, with a letter before its `@`, is left alone).
 * Code blocks need nothing: no entity forms inside them.
 */
function defuseMentions(text: string): string {
  return text.replace(/(^|[^A-Za-z0-9_])@(?=[A-Za-z][A-Za-z0-9_]{4})/g, '$1@\u200b');
}

/** Formats a batch into messages in order; each record is listed on the message holding its last part. */
export function formatTelegram(
  batch: readonly EventRecord[],
  options: TelegramFormatOptions,
): OutgoingMessage<TelegramPayload>[] {
  const mention = mentionSegment(options.criticalMention);
  const messages: OutgoingMessage<TelegramPayload>[] = [];
  let current: Segment[] = [];
  let visible = 0;
  let records: EventRecord[] = [];
  const flush = (): void => {
    if (current.length === 0) return;
    messages.push({ payload: payload(current.map((s) => s.html).join(''), options), records });
    current = [];
    visible = 0;
    records = [];
  };
  for (const record of batch) {
    const segments = renderSegments(
      buildView(record, options),
      record.level === 'critical' ? mention : undefined,
    );
    const size = segments.reduce((n, s) => n + s.visible, 0);
    if (current.length > 0 && visible + SEPARATOR.visible + size > TELEGRAM_TEXT_LIMIT) flush();
    if (current.length > 0) {
      current.push({ html: `${SEPARATOR.html}`, visible: SEPARATOR.visible });
      visible += SEPARATOR.visible;
    }
    for (const segment of segments) {
      if (visible + segment.visible > TELEGRAM_TEXT_LIMIT) flush();
      current.push(segment);
      visible += segment.visible;
    }
    records.push(record);
  }
  flush();
  return messages;
}

/** The record as segments no longer than one message each. */
function renderSegments(view: MessageView, mention: Segment | undefined): Segment[] {
  const out: Segment[] = [];
  const text = (plain: string, wrap?: 'b' | 'i'): void => {
    for (const piece of chunk(defuseMentions(plain), TELEGRAM_TEXT_LIMIT - 2)) {
      const html = wrap ? `<${wrap}>${escapeHtml(piece)}</${wrap}>` : escapeHtml(piece);
      out.push({ html, visible: piece.length });
    }
  };
  text(`${view.emoji} `);
  text(view.title, 'b');
  if (mention) {
    text('\n');
    out.push(mention);
  }
  if (view.summary) text(`\n${view.summary}`);
  for (const g of view.groups) {
    text('\n');
    text(`×${g.count.toLocaleString('en-US')}`, 'b');
    text(` ${g.label}`);
  }
  if (view.facts.length > 0) text('\n');
  for (const fact of view.facts.slice(0, 30)) {
    text('\n');
    text(`${fact.name}:`, 'b');
    text(` ${safeSlice(fact.value, 300)}${fact.value.length > 300 ? '…' : ''}`);
  }
  for (const block of view.blocks) {
    text('\n\n');
    text(block.label, 'b');
    text('\n');
    const content = fitLines(block.text, BLOCK_MAX);
    for (const piece of chunk(content, TELEGRAM_TEXT_LIMIT - 16)) {
      const attr = block.lang === 'text' ? '' : ` class="language-${block.lang}"`;
      out.push({ html: `<pre><code${attr}>${escapeHtml(piece)}</code></pre>`, visible: piece.length });
    }
  }
  if (view.footer) {
    text('\n');
    text(view.footer, 'i');
  }
  return out;
}

/**
 * The configured users as one segment: an id becomes an inline mention (`tg://user?id=`, which
 * notifies a member of the chat), an `@username` is written as it is, and Telegram links it.
 */
function mentionSegment(mention: TelegramMention | undefined): Segment | undefined {
  const users = mention?.users ?? [];
  if (users.length === 0) return undefined;
  const labels = users.map(String);
  const html = users
    .map((user, i) =>
      typeof user === 'number' ? `<a href="tg://user?id=${user}">${labels[i]}</a>` : escapeHtml(labels[i]!),
    )
    .join(' ');
  return { html, visible: labels.join(' ').length };
}

/** Splits text into pieces of at most `max` UTF-16 units, at line ends where possible. */
function chunk(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = safeSlice(rest, max).length;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

function payload(text: string, options: TelegramFormatOptions): TelegramPayload {
  return {
    chat_id: options.chatId,
    text,
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    ...(options.messageThreadId === undefined ? {} : { message_thread_id: options.messageThreadId }),
    ...(options.disableNotification === undefined
      ? {}
      : { disable_notification: options.disableNotification }),
  };
}
