/**
 * Renders what the emulators received into an HTML page imitating each app, and screenshots it with
 * Chromium, to judge the message designs by eye. Output: docs/images/messages.png (+ .html).
 * Run: node --import tsx scripts/render-preview.ts   (needs Debian's chromium: apt-get install -y chromium)
 */
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { normalizeEvent } from '../src/core/normalize/normalize-event.js';
import type { EventRecord, Sink } from '../src/index.js';
import { createRedactor } from '../src/redact/redactor.js';
import { discordSink } from '../src/sinks/discord/discord-sink.js';
import { slackSink } from '../src/sinks/slack/slack-sink.js';
import { telegramSink } from '../src/sinks/telegram/telegram-sink.js';
import {
  previewHtml,
  startDiscordEmulator,
  startSlackEmulator,
  startTelegramEmulator,
} from '../src/testing/index.js';

const redact = createRedactor();
let id = 0;
const now = Date.parse('2026-11-23T10:15:00Z');
const rec = (event: object): EventRecord =>
  redact.record(normalizeEvent(event, { id: ++id, receivedAt: now }));

const failure = new Error('connect ETIMEDOUT 10.0.4.17:5432');
failure.stack = `${failure.message}\n    at TCPConnectWrap.afterConnect (node:net:1605:16)\n    at PgPool.connect (/srv/app/node_modules/pg-pool/index.js:45:11)\n    at OrderRepository.save (/srv/app/src/orders/repository.ts:88:21)\n    at CheckoutService.placeOrder (/srv/app/src/checkout/service.ts:142:9)`;

const records: EventRecord[] = [
  rec({
    level: 'error',
    kind: 'http',
    title: 'Payment provider unavailable',
    fields: { orderId: 'A-10442', attempt: 3 },
    http: {
      request: {
        method: 'POST',
        url: 'https://api.pay.example.com/v1/charges?api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig-abcdef12345',
        },
        body: { amount: 1999, currency: 'eur', card: '4242 4242 4242 4242' },
      },
      response: {
        status: 503,
        durationMs: 812,
        headers: { 'retry-after': '30' },
        body: { error: { code: 'provider_unavailable', message: 'Upstream bank timeout' } },
      },
    },
  }),
  rec({
    level: 'error',
    message: 'Could not save order A-10442',
    error: failure,
    fields: { customer: 'jane.doe@example.com', region: 'eu-west-1' },
    tags: ['checkout'],
  }),
  rec({
    level: 'critical',
    kind: 'alert',
    title: 'Checkout error rate above 20% for 5 minutes',
    message: 'p99 latency 4.2 s; 312 failed orders. Runbook: https://runbooks.example.com/checkout',
    fields: { errorRate: '23.4%', window: '5 min' },
  }),
];
const sample = records[0]!;
records.push({
  ...sample,
  id: ++id,
  kind: 'digest',
  title: '×1,204 more in 60 s: POST api.pay.example.com/v1/charges → 503',
  digest: {
    count: 1_204,
    firstTime: now,
    lastTime: now + 60_000,
    groups: [{ fingerprint: 'x', count: 1_204, sample: 'Payment provider unavailable' }],
  },
});
records.push({
  id: ++id,
  level: 'error',
  kind: 'digest',
  time: now + 60_000,
  title: 'Storm: ×9,812 events in 60 s (50 kinds)',
  fields: {},
  tags: ['storm'],
  truncated: false,
  digest: {
    count: 9_812,
    firstTime: now,
    lastTime: now + 60_000,
    groups: [
      {
        fingerprint: 'a',
        count: 4_120,
        sample: 'POST api.pay.example.com/v1/charges → 503 — Payment provider unavailable',
      },
      { fingerprint: 'b', count: 2_301, sample: 'GET inventory.internal/items/:id → 504 — upstream timeout' },
      { fingerprint: 'c', count: 1_877, sample: 'error Error: Could not save order <str>' },
      { fingerprint: '(rest)', count: 1_514, sample: '47 other kinds of event' },
    ],
  },
});

async function deliver(sink: Sink, batch: readonly EventRecord[]): Promise<void> {
  for (const message of sink.format(batch)) {
    const result = await sink.send(message.payload, { signal: AbortSignal.timeout(5_000) });
    if (!result.ok) throw new Error(`${sink.type} rejected a preview message: ${result.error.message}`);
  }
}

const discord = await startDiscordEmulator();
const telegram = await startTelegramEmulator({ perChatIntervalMs: 1, perGroupWindowMs: 1 });
const slack = await startSlackEmulator({ intervalMs: 1 });
const [hook] = discord.webhooks();
const [bot] = telegram.bots();
const chat = telegram.createChat({ type: 'private' });
const slackHook = slack.createWebhook();
await deliver(discordSink({ url: hook!.url, service: 'checkout' }), records);
for (const r of records)
  await deliver(
    telegramSink({ token: bot!.token, chatId: chat.id, apiUrl: telegram.url, service: 'checkout' }),
    [r],
  );
await deliver(slackSink({ url: slackHook.url, service: 'checkout' }), records);

const html = previewHtml({
  discord: discord.received.map((r) => r.body),
  telegram: telegram.received.map((r) => r.body),
  slack: slack.received.map((r) => r.body),
});
for (const e of [discord, telegram, slack]) await e.close();
writeFileSync('docs/images/messages.html', html);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
await page.setContent(html);
await page.screenshot({ path: 'docs/images/messages.png', fullPage: true });
await browser.close();
process.stdout.write('wrote docs/images/messages.png\n');
