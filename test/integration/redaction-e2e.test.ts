import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createOffpath, type Offpath } from '../../src/index.js';
import {
  startCollectorEmulator,
  startDiscordEmulator,
  startSlackEmulator,
  startTelegramEmulator,
} from '../../src/testing/index.js';
import { SECRETS, secretCore } from '../fixtures/secrets-corpus.js';
import { closedPort, onCleanup } from '../helpers/cleanups.js';

/** Every form a secret could take in a payload: as is, URL-encoded, JSON-escaped, base64. */
function needles(): string[] {
  return SECRETS.flatMap((entry) =>
    secretCore(entry)
      .split('\n')
      .filter((l) => l.length >= 8 && !l.startsWith('-----'))
      .flatMap((l) => [
        l,
        encodeURIComponent(l),
        JSON.stringify(l).slice(1, -1),
        Buffer.from(l).toString('base64').slice(0, 16),
      ]),
  );
}

/** Every secret of the corpus placed everywhere an event can hold it. */
function emitCorpus(offpath: Offpath): void {
  for (const entry of SECRETS) {
    const s = entry.value;
    offpath.emit({
      level: 'error',
      title: `failure for ${s}`,
      message: `context ${s}`,
      fields: { note: s, nested: { deeper: [s], apiKey: s } },
      tags: [s],
      error: { name: 'Error', message: `failed ${s}`, stack: `Error: failed ${s}\n    at x (y.js:1:1)` },
      http: {
        request: {
          method: 'POST',
          url: `https://user:${encodeURIComponent(s)}@api.example.com/x?token=${encodeURIComponent(s)}&q=${encodeURIComponent(s)}`,
          headers: { authorization: `Bearer ${s}`, cookie: `sid=${s}`, 'x-note': s },
          body: { password: s, note: s },
        },
        response: { status: 500, headers: { 'set-cookie': `sid=${s}` }, body: `error for ${s}` },
      },
    });
  }
}

describe('secrets never leave the process', () => {
  it('through Discord, Telegram, Slack, an HTTP collector and a file', async () => {
    const discord = await startDiscordEmulator();
    const telegram = await startTelegramEmulator({ perChatIntervalMs: 1 });
    const slack = await startSlackEmulator({ intervalMs: 1 });
    const collector = await startCollectorEmulator();
    for (const e of [discord, telegram, slack, collector]) onCleanup(() => e.close());
    const [hook] = discord.webhooks();
    const [bot] = telegram.bots();
    const chat = telegram.createChat({ type: 'private' });
    const slackHook = slack.createWebhook();
    const file = join(mkdtempSync(join(tmpdir(), 'offpath-secrets-')), 'out.ndjson');
    const offpath = createOffpath({
      destinations: [
        {
          name: 'discord',
          type: 'discord',
          url: hook!.url,
          noise: false,
          rateLimits: [{ limit: 50, intervalMs: 1_000 }],
        },
        {
          name: 'telegram',
          type: 'telegram',
          token: bot!.token,
          chatId: chat.id,
          apiUrl: telegram.url,
          noise: false,
          rateLimits: [{ limit: 100, intervalMs: 1_000 }],
        },
        {
          name: 'slack',
          type: 'slack',
          url: slackHook.url,
          noise: false,
          rateLimits: [{ limit: 100, intervalMs: 1_000 }],
        },
        { name: 'collector', type: 'http', url: collector.url, gzip: false },
        { name: 'file', type: 'file', path: file },
      ],
    });
    emitCorpus(offpath);
    const result = await offpath.flush({ timeoutMs: 60_000 });
    expect(result.complete).toBe(true);
    expect(offpath.stats()).toMatchObject({ delivered: SECRETS.length * 5, deadLettered: 0 });
    const received = [
      ...[discord, telegram, slack, collector].flatMap((e) =>
        e.received.map((r) => r.rawBody.toString('utf8')),
      ),
      readFileSync(file, 'utf8'),
    ].join('\n');
    const leaks = needles().filter((n) => received.includes(n));
    expect(leaks).toEqual([]);
    await offpath.close();
  }, 90_000);

  it('nor reach the spool file: spilled records and dead letters are stored redacted', async () => {
    const collector = await startCollectorEmulator();
    onCleanup(() => collector.close());
    collector.faults.setFailureRate(1, { status: 400 });
    // A port with nothing listening: deliveries fail, the circuit opens and records wait in the spool.
    const port = await closedPort();
    const path = join(mkdtempSync(join(tmpdir(), 'offpath-secrets-')), 'spool.db');
    const offpath = createOffpath({
      destinations: [
        { name: 'rejecting', type: 'http', url: collector.url, gzip: false },
        {
          name: 'unreachable',
          type: 'http',
          url: `http://127.0.0.1:${port}/ingest`,
          breaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
        },
      ],
      spool: { path, durable: true, whenBreakerOpen: true },
    });
    emitCorpus(offpath);
    await offpath.flush({ timeoutMs: 3_000 });
    await offpath.close({ timeoutMs: 500 });
    const stats = offpath.stats();
    expect(stats.destinations['rejecting']?.deadLettered).toBe(SECRETS.length);
    expect(stats.destinations['unreachable']?.delivered).toBe(0);
    const db = new Database(path, { readonly: true });
    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    expect(count("SELECT COUNT(*) AS n FROM records WHERE destination = 'unreachable'")).toBe(SECRETS.length);
    expect(count('SELECT COUNT(*) AS n FROM dead_letters')).toBe(SECRETS.length);
    db.close();
    const stored = [path, `${path}-wal`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
    expect(stored.length).toBeGreaterThan(0);
    const leaks = needles().filter((n) => stored.includes(n));
    expect(leaks).toEqual([]);
  }, 60_000);

  it('nor reach the emit journal of strict durable mode, written before emit() returns', async () => {
    const port = await closedPort();
    const path = join(mkdtempSync(join(tmpdir(), 'offpath-secrets-')), 'spool.db');
    const offpath = createOffpath({
      destinations: [
        {
          name: 'unreachable',
          type: 'http',
          url: `http://127.0.0.1:${port}/ingest`,
          breaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
        },
      ],
      spool: { path, durable: 'sync' },
    });
    const journalDir = `${path}.emit-journal`;
    const journal = (): string =>
      readdirSync(journalDir)
        .map((f) => readFileSync(join(journalDir, f), 'utf8'))
        .join('');
    emitCorpus(offpath);
    // Nothing has been routed yet: every event is in the journal, already redacted, and only there.
    const written = journal();
    expect(written.split('\n').filter(Boolean)).toHaveLength(SECRETS.length);
    expect(needles().filter((n) => written.includes(n))).toEqual([]);
    await offpath.flush({ timeoutMs: 2_000 });
    await offpath.close({ timeoutMs: 500 });
    expect(offpath.stats().spool?.journal).toMatchObject({ appended: SECRETS.length, failed: 0 });
    const stored = [path, `${path}-wal`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
    expect(stored.length).toBeGreaterThan(0);
    expect(needles().filter((n) => stored.includes(n))).toEqual([]);
  }, 60_000);
});
