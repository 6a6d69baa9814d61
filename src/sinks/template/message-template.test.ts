import { describe, expect, it } from 'vitest';
import { record } from '../../../test/helpers/records.js';
import { ConfigError } from '../../resilience/errors.js';
import { findNotifications } from '../../testing/emulators/slack/notifications.js';
import { formatDiscord } from '../discord/discord-format.js';
import { formatSlack } from '../slack/slack-format.js';
import { formatTelegram } from '../telegram/telegram-format.js';
import { checkTemplates, renderTemplate } from './message-template.js';

const failing = record({
  kind: 'http',
  level: 'error',
  fields: { orderId: 'A-1' },
  http: {
    request: { method: 'POST', url: 'https://a.io/pay', headers: [] },
    response: { status: 503, headers: [], durationMs: 812.4 },
  },
});

describe('message templates', () => {
  it('substitute variables and show sections only when their value is there', () => {
    const templates = {
      http: {
        title: '{{#http}}{{method}} {{url}} → {{status}}{{/http}}',
        body: '{{#http}}{{durationMs}} ms{{/http}}{{#error}} failed{{/error}}{{#fields}} {{name}}={{value}}{{/fields}}',
      },
    };
    expect(renderTemplate(templates, failing)).toEqual({
      title: 'POST https://a.io/pay → 503',
      body: '812 ms orderId=A-1',
    });
    expect(renderTemplate({ '*': { title: '[{{level}}] {{message}}' } }, record({ message: 'hi' }))).toEqual({
      title: '[info] hi',
      body: undefined,
    });
    expect(renderTemplate(templates, record({ kind: 'log' }))).toBeUndefined();
  });

  it('cannot inject markup or pings: each platform escapes what a template renders', () => {
    const templates = { '*': { title: '{{message}}' } };
    const evil = record({ message: '@everyone <!channel> <b>bold</b> & more' });
    expect(formatDiscord([evil], { templates })[0]!.payload.embeds[0]!.title).toContain('@\u200beveryone');
    expect(formatTelegram([evil], { templates, chatId: 1 })[0]!.payload.text).toContain(
      '&lt;b&gt;bold&lt;/b&gt; &amp; more',
    );
    // Slack's header is plain_text, which Slack never parses for mentions; mrkdwn text is escaped.
    const slack = formatSlack([evil], { templates })[0]!.payload;
    expect(findNotifications(slack as unknown as Record<string, unknown>).any).toBe(false);
    expect(slack.text).toContain('&lt;!channel&gt;');
  });

  it('report template syntax errors with the field that holds them', () => {
    expect(() =>
      checkTemplates({ http: { title: '{{#http}}unclosed' } }, 'destinations.ops.templates'),
    ).toThrow(ConfigError);
    try {
      checkTemplates({ http: { title: '{{#http}}unclosed' } }, 'destinations.ops.templates');
    } catch (error) {
      expect((error as ConfigError).issues[0]).toMatchObject({
        path: 'destinations.ops.templates.http.title',
        message: expect.stringMatching(/^Unclosed section "http"/),
      });
    }
  });
});
