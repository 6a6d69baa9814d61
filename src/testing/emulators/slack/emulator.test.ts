import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../manual-clock.js';
import { type SlackEmulator, startSlackEmulator } from './emulator.js';
import type { SlackEmulatorOptions } from './options.js';

let slack: SlackEmulator;
let clock: ManualClock;
afterEach(async () => {
  await slack.close();
});

async function start(options: SlackEmulatorOptions = {}) {
  clock = new ManualClock();
  slack = await startSlackEmulator({ clock, ...options });
  return slack.webhooks()[0]!.url;
}

async function post(url: string, body: unknown, contentType = 'application/json') {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: await res.text(),
    type: res.headers.get('content-type'),
    retryAfter: res.headers.get('retry-after'),
    detail: res.headers.get('x-emulator-detail'),
  };
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('Slack emulator', () => {
  it('answers 200 "ok" as plain text and records the message', async () => {
    const url = await start();
    expect(await post(url, { text: 'deploy <https://e.x|done> &amp; ok' })).toMatchObject({
      status: 200,
      body: 'ok',
      type: 'text/plain; charset=utf-8',
    });
    expect(slack.messages()[0]).toMatchObject({
      channel: '#emulated',
      text: 'deploy <https://e.x|done> &amp; ok',
      displayText: 'deploy done & ok',
    });
  });

  it('accepts the legacy form body with a payload field', async () => {
    const url = await start();
    const res = await post(
      url,
      new URLSearchParams({ payload: JSON.stringify({ text: 'form' }) }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(200);
    expect(slack.messages()[0]?.text).toBe('form');
  });

  it('answers invalid_payload, no_text and too_many_attachments', async () => {
    const url = await start({ limits: { attachments: 2 } });
    expect(await post(url, '{"text":')).toMatchObject({ status: 400, body: 'invalid_payload' });
    expect(await post(url, '[1]')).toMatchObject({ status: 400, body: 'invalid_payload' });
    expect(await post(url, { username: 'x' })).toMatchObject({ status: 400, body: 'no_text' });
    expect(await post(url, { text: '  ' })).toMatchObject({ status: 400, body: 'no_text' });
    expect(await post(url, { attachments: [{}, {}, {}] })).toMatchObject({
      status: 400,
      body: 'too_many_attachments',
    });
    expect(slack.messages()).toEqual([]);
  });

  it.each([
    [
      'more than 50 blocks',
      { blocks: Array.from({ length: 51 }, () => section('x')) },
      '[json-pointer:/blocks]',
    ],
    ['a section text over 3000', { blocks: [section('x'.repeat(3001))] }, '/blocks/0/text/text'],
    [
      'more than 10 section fields',
      {
        blocks: [
          { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
        ],
      },
      '/blocks/0/fields',
    ],
    [
      'a field over 2000',
      { blocks: [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }] },
      '/blocks/0/fields/0/text',
    ],
    [
      'a header over 150',
      { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] },
      '/blocks/0/text/text',
    ],
    ['a long block_id', { blocks: [{ ...section('x'), block_id: 'b'.repeat(256) }] }, '/blocks/0/block_id'],
  ])('rejects %s with invalid_blocks', async (_name, payload, where) => {
    const url = await start();
    const res = await post(url, payload);
    expect([res.status, res.body]).toEqual([400, 'invalid_blocks']);
    expect(res.detail).toContain(where);
  });

  it('accepts blocks exactly at their limits', async () => {
    const url = await start();
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } },
      section('s'.repeat(3000)),
      {
        type: 'section',
        fields: Array.from({ length: 10 }, () => ({ type: 'mrkdwn', text: 'f'.repeat(2000) })),
      },
      ...Array.from({ length: 47 }, () => section('x')),
    ];
    expect((await post(url, { text: 'fallback', blocks })).status).toBe(200);
  });

  it('answers invalid_blocks_format for blocks that are not an array', async () => {
    const url = await start();
    expect(await post(url, { blocks: { type: 'section' } })).toMatchObject({
      status: 400,
      body: 'invalid_blocks_format',
    });
  });

  it('answers no_service for unknown and revoked hooks, invalid_token, action_prohibited and channel_is_archived', async () => {
    const url = await start();
    expect(await post(url.replace(/\/[^/]+$/, '/wrongsecret'), { text: 'x' })).toMatchObject({
      status: 403,
      body: 'invalid_token',
    });
    expect(await post(`${slack.url}/services/T1/B1/x`, { text: 'x' })).toMatchObject({
      status: 404,
      body: 'no_service',
    });
    const second = slack.createWebhook({ channel: '#ops' });
    slack.prohibitWebhook(second.url);
    expect(await post(second.url, { text: 'x' })).toMatchObject({ status: 403, body: 'action_prohibited' });
    slack.archiveChannel('#emulated', { afterRequests: 1 });
    expect((await post(url, { text: 'x' })).status).toBe(200);
    expect(await post(url, { text: 'x' })).toMatchObject({ status: 410, body: 'channel_is_archived' });
    slack.revokeWebhook(url);
    expect(await post(url, { text: 'x' })).toMatchObject({ status: 404, body: 'no_service' });
    expect(slack.webhooks().map((h) => h.url)).toEqual([second.url]);
  });

  it('answers a GET probe without posting: invalid_payload when live, the dead-hook error otherwise', async () => {
    const url = await start();
    const probe = async () => {
      const res = await fetch(url);
      return [res.status, await res.text()];
    };
    expect(await probe()).toEqual([400, 'invalid_payload']);
    slack.revokeWebhook(url);
    expect(await probe()).toEqual([404, 'no_service']);
    expect(slack.messages()).toEqual([]);
  });

  it('paces each channel to 1 per second with a 429 and Retry-After in seconds', async () => {
    const url = await start();
    expect((await post(url, { text: '1' })).status).toBe(200);
    clock.advance(300);
    expect(await post(url, { text: '2' })).toMatchObject({
      status: 429,
      retryAfter: '1',
      body: 'rate_limited',
    });
    clock.advance(700);
    expect((await post(url, { text: '3' })).status).toBe(200);
    const other = slack.createWebhook({ channel: '#other' });
    expect((await post(other.url, { text: 'x' })).status).toBe(200);
    expect(slack.messages().map((m) => m.text)).toEqual(['1', '3', 'x']);
  });

  it('allows a configurable burst', async () => {
    const url = await start({ burst: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(url, { text: String(i) })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('records whether a message would notify, and escaped mentions do not', async () => {
    const url = await start({ burst: 10 });
    await post(url, { text: '&lt;!channel&gt; build failed &lt;@U123&gt;' });
    await post(url, { text: 'hey <!here|here> and <@U123|alice>', blocks: [section('<!subteam^S9> look')] });
    await post(url, { text: 'x', attachments: [{ text: '<!everyone>' }] });
    await post(url, { text: '@channel plain' });
    await post(url, { text: '@channel with link_names', link_names: 1 });
    const n = slack.messages().map((m) => m.notifications);
    expect(n[0]).toEqual({
      channel: false,
      here: false,
      everyone: false,
      users: [],
      userGroups: [],
      any: false,
    });
    expect(n[1]).toEqual({
      channel: false,
      here: true,
      everyone: false,
      users: ['U123'],
      userGroups: ['S9'],
      any: true,
    });
    expect(n[2]?.everyone).toBe(true);
    expect(n[3]?.any).toBe(false);
    expect(n[4]?.channel).toBe(true);
    expect(slack.messages()[0]?.displayText).toBe('<!channel> build failed <@U123>');
    expect(slack.messages()[1]?.displayText).toBe('hey @here and @alice\n@S9 look');
  });

  it('truncates top-level text over the limit instead of rejecting it', async () => {
    const url = await start({ limits: { text: 10 } });
    expect((await post(url, { text: 'x'.repeat(11) })).status).toBe(200);
    expect(slack.messages()[0]).toMatchObject({ text: 'x'.repeat(10), truncated: true });
  });

  it('formats injected failures and 429s as Slack plain text', async () => {
    const url = await start();
    slack.faults.rateLimitNext(1, 30);
    slack.faults.failNext(1, 500);
    expect(await post(url, { text: 'x' })).toMatchObject({
      status: 429,
      retryAfter: '30',
      body: 'rate_limited',
    });
    expect(await post(url, { text: 'x' })).toMatchObject({ status: 500, body: 'rollup_error' });
  });

  it('describes the webhook URL', async () => {
    const url = await start();
    expect(slack.describe().join('\n')).toContain(url);
  });
});
