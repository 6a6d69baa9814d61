/**
 * Slack messages in Block Kit: a header, a summary, facts as fields, code blocks and a context line
 * per record, up to 50 blocks per message. `&`, `<` and `>` are escaped everywhere Slack parses text,
 * which also makes `<!channel>`, `<!here>` and `<@U…>` inert.
 * @module
 */
import type { EventRecord } from '../../core/event.js';
import type { OutgoingMessage } from '../../core/sink.js';
import { clip, fitLines, safeSlice } from '../text/fit.js';
import { buildView, type MessageView, type ViewOptions } from '../view/message-view.js';

/** A Block Kit block as offpath uses them. */
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | {
      type: 'section';
      text?: { type: 'mrkdwn'; text: string };
      fields?: Array<{ type: 'mrkdwn'; text: string }>;
    }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }
  | { type: 'divider' };

/** The body of one incoming-webhook call. */
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
  unfurl_links: false;
  unfurl_media: false;
}

/** Slack's limits (Block Kit reference; see docs/platform-limits). */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3_000,
  fields: 10,
  fieldText: 2_000,
  header: 150,
} as const;

/** Options of {@link formatSlack}. */
export interface SlackFormatOptions extends ViewOptions {
  /** User groups and members a message holding a `critical` record mentions. @default undefined (nobody) */
  readonly criticalMention?: SlackMention | undefined;
}

/** Slack ids of user groups (`S…`) and members (`U…`, `W…`) to mention. */
export interface SlackMention {
  readonly userGroups?: readonly string[] | undefined;
  readonly users?: readonly string[] | undefined;
}

const BLOCK_TEXT = 2_900;
const MAX_CODE_SECTIONS = 3;

/**
 * Escapes the three characters Slack treats as control characters, and breaks every ``` with zero-width
 * spaces: an odd number of fences in user text would turn the rest of the section into code.
 */
export function escapeSlack(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/```/g, '`\u200b`\u200b`');
}

/** Formats a batch into messages of at most 50 blocks, in order. */
export function formatSlack(
  batch: readonly EventRecord[],
  options: SlackFormatOptions = {},
): OutgoingMessage<SlackPayload>[] {
  const mention = mentionLine(options.criticalMention);
  const messages: OutgoingMessage<SlackPayload>[] = [];
  let blocks: SlackBlock[] = [];
  let titles: string[] = [];
  let records: EventRecord[] = [];
  const flush = (): void => {
    if (blocks.length === 0) return;
    // The notification text leads with the mention, so the push itself reaches the people named.
    const lead = mention && records.some((r) => r.level === 'critical') ? [mention] : [];
    const text = clip([...lead, ...titles].join('\n'), 1_000);
    messages.push({ payload: { text, blocks, unfurl_links: false, unfurl_media: false }, records });
    blocks = [];
    titles = [];
    records = [];
  };
  for (const record of batch) {
    const view = buildView(record, options);
    const own = renderBlocks(view, record.level === 'critical' ? mention : undefined);
    if (blocks.length > 0 && blocks.length + 1 + own.length > SLACK_LIMITS.blocks) flush();
    if (blocks.length > 0) blocks.push({ type: 'divider' });
    blocks.push(...own);
    titles.push(escapeSlack(`${view.emoji} ${view.title}`));
    records.push(record);
  }
  flush();
  return messages;
}

function renderBlocks(view: MessageView, mention: string | undefined): SlackBlock[] {
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: clip(`${view.emoji} ${view.title}`.replace(/\s+/g, ' '), SLACK_LIMITS.header),
        emoji: true,
      },
    },
  ];
  const section = (text: string): void => {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } });
  };
  if (mention) section(mention);
  if (view.summary) section(escapeSlack(view.summary));
  if (view.groups.length > 0)
    section(
      view.groups.map((g) => `*×${g.count.toLocaleString('en-US')}* ${escapeSlack(g.label)}`).join('\n'),
    );
  const facts = view.facts.slice(0, SLACK_LIMITS.fields);
  if (facts.length > 0) {
    blocks.push({
      type: 'section',
      fields: facts.map((f) => ({
        type: 'mrkdwn',
        text: clip(`*${escapeSlack(f.name)}*\n${escapeSlack(f.value)}`, 500),
      })),
    });
  }
  if (view.facts.length > facts.length)
    section(`_${view.facts.length - facts.length} more fields not shown_`);
  for (const block of view.blocks.slice(0, MAX_CODE_SECTIONS)) {
    const header = `*${escapeSlack(block.label)}*\n\`\`\``;
    const room = BLOCK_TEXT - header.length - 3;
    // Escape first, then cut: a cut must not split an entity such as &amp;.
    const code = fitEscaped(fitLines(block.text.replace(/```/g, '`\u200b`\u200b`'), room), room);
    section(`${header}${code}\`\`\``);
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: clip(
          `${escapeSlack(view.footer)} · <!date^${Math.floor(view.time / 1000)}^{date_short_pretty} {time_secs}|${new Date(view.time).toISOString()}>`,
          2_000,
        ),
      },
    ],
  });
  return blocks;
}

/** The configured mentions in Slack's syntax, unescaped on purpose: built from config only, never from record text. */
function mentionLine(mention: SlackMention | undefined): string | undefined {
  const parts = [
    ...(mention?.userGroups ?? []).map((id) => `<!subteam^${id}>`),
    ...(mention?.users ?? []).map((id) => `<@${id}>`),
  ];
  return parts.length > 0 ? `🚨 ${parts.join(' ')}` : undefined;
}

/** Escapes `text`, then cuts it to `max` without leaving half an entity before the cut marker. */
function fitEscaped(text: string, max: number): string {
  const escaped = escapeSlack(text);
  if (escaped.length <= max) return escaped;
  const marker = '…(cut)';
  let head = safeSlice(escaped, max - marker.length);
  const amp = head.lastIndexOf('&');
  if (amp !== -1 && !head.slice(amp).includes(';')) head = head.slice(0, amp);
  return `${head}${marker}`;
}
