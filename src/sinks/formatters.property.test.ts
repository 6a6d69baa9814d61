import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../core/event.js';
import { normalizeEvent } from '../core/normalize/normalize-event.js';
import { toCurl } from '../curl/to-curl.js';
import { evaluateMentions } from '../testing/emulators/discord/mentions.js';
import { validateExecutePayload } from '../testing/emulators/discord/validate.js';
import { findNotifications } from '../testing/emulators/slack/notifications.js';
import { validateBlocks } from '../testing/emulators/slack/validate-blocks.js';
import { DEFAULT_DISCORD_LIMITS, DEFAULT_SLACK_LIMITS, parseTelegramHtml } from '../testing/index.js';
import { formatDiscord } from './discord/discord-format.js';
import { formatSlack } from './slack/slack-format.js';
import { formatTelegram } from './telegram/telegram-format.js';

const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom(
    '@everyone',
    '@here',
    '<@123>',
    '<@&456>',
    '<!channel>',
    '<!here>',
    '<@U123>',
    '```',
    '<b>&amp;</b>',
    '\u200b@everyone',
    'ask @oncall_lead or mail ops@example.com',
    '😀'.repeat(300),
    'x'.repeat(120_000),
  ),
  fc.string({ maxLength: 50 }),
);

const eventArb = fc.record({
  level: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'critical'),
  kind: fc.constantFrom('http', 'log', 'alert', 'custom-kind'),
  title: fc.option(nasty, { nil: undefined }),
  message: fc.option(nasty, { nil: undefined }),
  fields: fc.dictionary(fc.string({ maxLength: 300 }), nasty, { maxKeys: 60 }),
  tags: fc.array(nasty, { maxLength: 5 }),
  error: fc.option(
    fc.record({
      name: nasty,
      message: nasty,
      stack: fc.option(fc.constant(`Error\n${'    at f (x.js:1:1)\n'.repeat(10_000)}`), { nil: undefined }),
    }),
    { nil: undefined },
  ),
  http: fc.option(
    fc.record({
      request: fc.record({ method: fc.constantFrom('GET', 'POST'), url: nasty, body: nasty }),
      response: fc.record({ status: fc.integer({ min: 100, max: 599 }), body: nasty }),
    }),
    { nil: undefined },
  ),
});

const batchArb = fc
  .array(eventArb, { minLength: 1, maxLength: 12 })
  .map((events) => events.map((e, i) => normalizeEvent(e, { id: i + 1, receivedAt: 0 })));
const curl = (r: Parameters<typeof toCurl>[0]) => toCurl(r, { exact: false });

/** A mention Telegram would link in message text: `@` at a word start, then a 5+ character name. */
const USERNAME_MENTION = /(^|[^A-Za-z0-9_])@[A-Za-z][A-Za-z0-9_]{4}/;

/** How many ``` runs a text holds. */
const fences = (text: string): number => text.split('```').length - 1;

/** Every mrkdwn text of a Slack message's blocks. */
function blockTexts(blocks: readonly unknown[]): string[] {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (typeof o['text'] === 'string' && o['type'] === 'mrkdwn') out.push(o['text']);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(blocks);
  return out;
}

function coversOnce(
  messages: ReadonlyArray<{ records: readonly EventRecord[] }>,
  batch: readonly EventRecord[],
): void {
  expect(messages.flatMap((m) => m.records.map((r) => r.id))).toEqual(batch.map((r) => r.id));
}

describe('formatters with random hostile records', () => {
  it('Discord: every message passes the emulator validation and pings nobody', () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        const messages = formatDiscord(batch, { curl, username: 'discord @here bot' });
        coversOnce(messages, batch);
        for (const { payload } of messages) {
          const verdict = validateExecutePayload(payload as unknown as Record<string, unknown>, {
            limits: DEFAULT_DISCORD_LIMITS,
            unit: 'utf16',
            strictUsernames: true,
            files: 0,
          });
          expect(verdict.kind, JSON.stringify(verdict)).toBe('ok');
          expect(payload.allowed_mentions).toEqual({ parse: [] });
          // Only offpath's own code blocks use fences, each closed: user text cannot open one.
          for (const embed of payload.embeds) {
            expect(fences(embed.description ?? '') % 2).toBe(0);
            for (const f of embed.fields ?? []) expect(fences(f.name) + fences(f.value)).toBe(0);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('Telegram: every message parses as Telegram HTML within 4096 visible characters, records in order', () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        const messages = formatTelegram(batch, { chatId: -100, curl });
        coversOnce(messages, batch);
        for (const { payload } of messages) {
          const parsed = parseTelegramHtml(payload.text);
          expect(parsed.ok, parsed.ok ? '' : parsed.error).toBe(true);
          if (parsed.ok) expect(parsed.text.length).toBeLessThanOrEqual(4096);
          // No @username outside code that Telegram would link (and notify).
          expect(payload.text.replace(/<pre>[\s\S]*?<\/pre>/g, '')).not.toMatch(USERNAME_MENTION);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('Slack: every message passes the block limits and notifies nobody', () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        const messages = formatSlack(batch, { curl });
        coversOnce(messages, batch);
        for (const { payload } of messages) {
          expect(validateBlocks(payload.blocks, DEFAULT_SLACK_LIMITS, 'utf16')).toBeUndefined();
          expect(findNotifications(payload as unknown as Record<string, unknown>).any).toBe(false);
          for (const text of blockTexts(payload.blocks)) expect(fences(text) % 2).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  describe('with critical mentions configured', () => {
    const ROLE = '123456789012345678';
    const USER = '98765432109876543';
    const holdsCritical = (records: readonly EventRecord[]): boolean =>
      records.some((r) => r.level === 'critical');

    it('Discord: a message pings exactly the configured ids when it holds a critical record, else nobody', () => {
      fc.assert(
        fc.property(batchArb, (batch) => {
          const messages = formatDiscord(batch, { curl, criticalMention: { roles: [ROLE], users: [USER] } });
          coversOnce(messages, batch);
          for (const { payload, records } of messages) {
            const verdict = validateExecutePayload(payload as unknown as Record<string, unknown>, {
              limits: DEFAULT_DISCORD_LIMITS,
              unit: 'utf16',
              strictUsernames: true,
              files: 0,
            });
            expect(verdict.kind, JSON.stringify(verdict)).toBe('ok');
            const pinged = evaluateMentions(payload.content ?? '', payload.allowed_mentions, {
              parse: ['users'],
            });
            const critical = holdsCritical(records);
            expect(pinged).toEqual({
              everyone: false,
              here: false,
              roles: critical ? [ROLE] : [],
              users: critical ? [USER] : [],
              any: critical,
            });
          }
        }),
        { numRuns: 100 },
      );
    });

    it('Slack: a message notifies exactly the configured ids when it holds a critical record, else nobody', () => {
      fc.assert(
        fc.property(batchArb, (batch) => {
          const mention = { userGroups: ['SAZ94GDB8'], users: ['U024BE7LH'] };
          const messages = formatSlack(batch, { curl, criticalMention: mention });
          coversOnce(messages, batch);
          for (const { payload, records } of messages) {
            expect(validateBlocks(payload.blocks, DEFAULT_SLACK_LIMITS, 'utf16')).toBeUndefined();
            const critical = holdsCritical(records);
            expect(findNotifications(payload as unknown as Record<string, unknown>)).toEqual({
              channel: false,
              here: false,
              everyone: false,
              users: critical ? mention.users : [],
              userGroups: critical ? mention.userGroups : [],
              any: critical,
            });
          }
        }),
        { numRuns: 100 },
      );
    });

    it('Telegram: every message still parses within 4096 visible characters', () => {
      fc.assert(
        fc.property(batchArb, (batch) => {
          const messages = formatTelegram(batch, {
            chatId: -100,
            curl,
            criticalMention: { users: [123456789, '@oncall_lead'] },
          });
          coversOnce(messages, batch);
          for (const { payload } of messages) {
            const parsed = parseTelegramHtml(payload.text);
            expect(parsed.ok, parsed.ok ? '' : parsed.error).toBe(true);
            if (parsed.ok) expect(parsed.text.length).toBeLessThanOrEqual(4096);
          }
        }),
        { numRuns: 100 },
      );
    });
  });
});
