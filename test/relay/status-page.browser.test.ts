/**
 * The status page in a real Chromium (Debian's, driven by playwright-core): log in, see the
 * destinations and a dead letter, replay it, see it delivered. Runs when /usr/bin/chromium exists;
 * under CI=true its absence is a failure (CI installs it).
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durableSpool, startTestRelay, TOKEN, waitFor } from '../helpers/relay.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);

describe('status page in Chromium', () => {
  if (!present && process.env['CI'] === 'true') {
    it('has chromium under CI', () => {
      expect.fail(`${CHROMIUM} is missing: .ci/run installs it with apt-get install -y chromium`);
    });
  }

  let browser: Browser;
  beforeAll(async () => {
    if (!present) return;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
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
  });
  afterAll(async () => browser?.close());

  it.runIf(present)(
    'logs in, shows destinations and a dead letter, replays it and shows it delivered',
    async () => {
      const { relay, collector, post } = await startTestRelay(durableSpool);
      expect(relay.instance.config.spool).toBeDefined();
      collector.faults.failNext(1, 400);
      await post(
        '/v1/events',
        JSON.stringify({ level: 'error', title: 'Payment failed', message: 'card declined for order 42' }),
      );
      await waitFor(() => relay.instance.deadLetters().length === 1, 10_000, 'a dead letter');
      await post('/v1/events', JSON.stringify({ level: 'info', message: 'all good' }));
      await waitFor(() => collector.items().length === 1, 10_000, 'one delivery');

      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const pageTab = await context.newPage();
      await pageTab.goto(`${relay.url}/status`);
      expect(new URL(pageTab.url()).pathname).toBe('/status/login');
      await pageTab.fill('#token', 'not-the-token-at-all');
      await pageTab.click('button[type=submit]');
      await expect.poll(() => pageTab.textContent('[role=alert]')).toContain('not accepted');
      await pageTab.fill('#token', TOKEN);
      await pageTab.click('button[type=submit]');
      await pageTab.waitForURL(`${relay.url}/status`);
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === 'offpath_session')!;
      expect(session.httpOnly).toBe(true);
      expect(session.sameSite).toBe('Strict');

      const row = pageTab.locator('tr[data-destination="collector"]');
      expect(await row.textContent()).toContain('collector');
      const letter = pageTab.locator('tr[data-letter]');
      expect(await letter.count()).toBe(1);
      expect(await letter.textContent()).toContain('Payment failed');
      expect(await letter.textContent()).toContain('rejected');
      expect(await pageTab.textContent('#exchanges')).toContain('failure');
      // The screenshot in the docs is refreshed on request only, so a test run leaves the checkout clean.
      const shots = process.env['UPDATE_DOCS_IMAGES']
        ? 'docs/images'
        : mkdtempSync(join(tmpdir(), 'offpath-shot-'));
      mkdirSync(shots, { recursive: true });
      await pageTab.screenshot({ path: join(shots, 'status-page.png'), fullPage: true });

      await letter.locator('button').click();
      await pageTab.waitForURL(/replayed=1/);
      expect(await pageTab.textContent('[role=status]')).toContain('1 dead letter(s) requeued');
      await waitFor(() => collector.items().length === 2, 10_000, 'the replayed event delivered');
      await pageTab.goto(`${relay.url}/status`);
      expect(await pageTab.locator('tr[data-letter]').count()).toBe(0);
      expect(await row.locator('[data-delivered]').textContent()).toBe('2');
      const titles = (collector.items() as Array<{ title?: string }>).map((i) => i.title);
      expect(titles).toContain('Payment failed');
      await context.close();
    },
  );
});
