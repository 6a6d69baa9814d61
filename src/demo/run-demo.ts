/**
 * `offpath demo`: the main job, end to end, on this machine with no setup. A sample app calls an API
 * (some calls fail); offpath delivers what it sees to a collector, a file and the console; the
 * collector has an outage mid-run, its circuit opens and what it cannot take waits in the durable
 * spool, then is replayed in order while the others carry on; the final ledger is printed and checked.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOffpath, type OffpathStats } from '../instance/create-offpath.js';
import { reconciles } from '../pipeline/ledger.js';
import {
  startCollectorEmulator,
  startDiscordEmulator,
  startSlackEmulator,
  startTelegramEmulator,
} from '../testing/index.js';
import { startSampleApi } from './demo-servers.js';

/** Options of the demo. */
export interface DemoOptions {
  /** Requests the sample app makes. @default 120 */
  readonly requests?: number;
  /** Pause between requests, in ms. @default 60 */
  readonly intervalMs?: number;
  /** Directory for the file destination and the spool. @default a new temporary directory */
  readonly dir?: string;
  /**
   * Keep the temporary directory (audit file and spool) after the run, to inspect it. A directory
   * passed as `dir` is always kept.
   * @default false
   */
  readonly keep?: boolean;
  /** Where progress lines go. */
  readonly print: (line: string) => void;
}

/** Runs the demo; resolves with the final ledger. */
export async function runDemo(
  options: DemoOptions,
): Promise<{ stats: OffpathStats; ok: boolean; dir: string; kept: boolean }> {
  const { print } = options;
  const requests = options.requests ?? 120;
  const intervalMs = options.intervalMs ?? 60;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'offpath-demo-'));
  const kept = options.dir !== undefined || options.keep === true;
  const api = await startSampleApi();
  const collector = await startCollectorEmulator();
  const discord = await startDiscordEmulator();
  const telegram = await startTelegramEmulator();
  const slack = await startSlackEmulator();
  const [hook] = discord.webhooks();
  const [bot] = telegram.bots();
  const group = telegram.createChat({ type: 'supergroup', title: 'on-call' });
  const slackHook = slack.createWebhook();
  const file = join(dir, 'events.ndjson');
  const spoolFile = join(dir, 'spool.db');

  const offpath = createOffpath({
    service: 'checkout-demo',
    destinations: [
      { name: 'discord', type: 'discord', url: hook!.legacyUrl, minLevel: 'warn' },
      {
        name: 'telegram',
        type: 'telegram',
        token: bot!.token,
        chatId: group.id,
        apiUrl: telegram.url,
        minLevel: 'error',
      },
      { name: 'slack', type: 'slack', url: slackHook.url, minLevel: 'error' },
      {
        name: 'collector',
        type: 'http',
        url: `${collector.url}/ingest`,
        format: 'ndjson',
        batch: { maxSize: 20, maxDelayMs: 250 },
        breaker: { failureThreshold: 3, recoveryTimeoutMs: 1_500, halfOpenSuccessThreshold: 1 },
        retry: { initialDelayMs: 200, maxDelayMs: 1_000 },
      },
      { name: 'audit-file', type: 'file', path: file },
    ],
    // While the collector's circuit is open its events wait on disk, and go out in order once it is back.
    spool: { path: spoolFile, whenBreakerOpen: true },
  });
  offpath.on('circuit-state', (e) => print(`  ⚡ ${e.destination}: circuit ${e.from} → ${e.to}`));
  offpath.on('destination-disabled', (e) => print(`  ✖ ${e.destination} disabled: ${e.error.message}`));

  print(`offpath demo: a sample app makes ${requests} calls to ${api.url}; offpath delivers what it sees to`);
  print('  local emulators of Discord (warn+), Telegram and Slack (errors), an HTTP collector and a file.\n');

  const outageStart = Math.floor(requests * 0.3);
  const outageEnd = Math.floor(requests * 0.6);
  for (let i = 0; i < requests; i++) {
    if (i === outageStart) {
      collector.faults.setFailureRate(1, { status: 503 });
      print('  ⏻ collector goes down (503 on every request)');
    }
    if (i === outageEnd) {
      collector.faults.clear();
      print('  ⏻ collector is back');
    }
    const path = ['/orders/42', '/payments/charge', '/slow/report', '/payments/refund'][i % 4]!;
    const started = performance.now();
    try {
      const res = await fetch(`${api.url}${path}?attempt=${i}&token=demo-secret-${i}`, {
        method: path.startsWith('/payments') ? 'POST' : 'GET',
        headers: { authorization: 'Bearer demo-token-1234567890', 'content-type': 'application/json' },
        body: path.startsWith('/payments')
          ? JSON.stringify({ amount: 1999, card: '4111 1111 1111 1111' })
          : undefined,
      });
      const body = await res.text();
      const durationMs = performance.now() - started;
      offpath.emit({
        level: res.status >= 500 ? 'error' : durationMs > 250 ? 'warn' : 'info',
        kind: 'http',
        title: res.status >= 500 ? 'Upstream call failed' : undefined,
        http: {
          request: {
            method: path.startsWith('/payments') ? 'POST' : 'GET',
            url: `${api.url}${path}?attempt=${i}&token=demo-secret-${i}`,
            headers: { authorization: 'Bearer demo-token-1234567890' },
          },
          response: { status: res.status, headers: res.headers, body, durationMs },
        },
      });
    } catch (error) {
      offpath.emit({
        level: 'error',
        kind: 'http',
        error: error as Error,
        http: { request: { method: 'GET', url: `${api.url}${path}` }, error: { message: String(error) } },
      });
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }

  print('\n  closing: flushing everything that is still pending…');
  const closed = await offpath.close({ timeoutMs: 10_000 });
  const stats = offpath.stats();
  const discordMessages = discord.messages();
  const embeds = discordMessages.reduce((n, m) => n + m.embeds.length, 0);
  const pinged = discordMessages.filter((m) => m.mentionsPinged.any).length;
  const limited = [discord, telegram, slack].reduce(
    (n, e) => n + e.received.filter((r) => r.status === 429).length,
    0,
  );
  const platforms = [
    `  Discord:   ${discordMessages.length} messages (${embeds} embeds, digests included), ${pinged} pinged anyone`,
    `  Telegram:  ${telegram.messages(group.id).length} messages in the on-call group`,
    `  Slack:     ${slack.messages().length} messages`,
    `  collector: ${collector.items().length} events stored, after riding out its outage`,
    `  responses 429 from any platform: ${limited}`,
    `  spool: ${stats.spool?.committed ?? 0} rows written during the outage, ${Object.values(stats.spool?.backlog ?? {}).reduce((a, b) => a + b, 0)} left${kept ? ` (inspect: offpath spool stats --spool ${spoolFile})` : ''}`,
  ];
  for (const e of [api, collector, discord, telegram, slack]) await e.close();

  print('');
  print(ledgerTable(stats));
  const ok = reconciles(stats) && closed.complete && limited === 0;
  print(
    `\n  ledger ${reconciles(stats) ? 'reconciles' : 'DOES NOT reconcile'}: accepted = delivered + digested + dropped + dead-lettered + pending`,
  );
  print('  what each platform received:');
  for (const line of platforms) print(line);
  print(
    kept
      ? `  the audit file is ${file}; secrets in URLs, headers and bodies were redacted before leaving the process.`
      : '  secrets in URLs, headers and bodies were redacted before leaving the process (run with --keep to inspect the audit file and the spool).',
  );
  print('  "digested" events were merged into digest messages ("×N more") instead of flooding the channels.');
  // The instance is closed: nothing holds the spool or the audit file any more.
  if (!kept) rmSync(dir, { recursive: true, force: true });
  return { stats, ok, dir, kept };
}

/** The ledger as an aligned table. */
export function ledgerTable(stats: OffpathStats): string {
  const head = [
    'destination',
    'accepted',
    'delivered',
    'digested',
    'dropped',
    'dead-lettered',
    'pending',
    'circuit',
  ];
  const rows = Object.entries(stats.destinations).map(([name, d]) =>
    [name, d.accepted, d.delivered, d.digested, d.dropped, d.deadLettered, d.pending, d.circuit].map(String),
  );
  rows.push(
    [
      'total',
      stats.accepted,
      stats.delivered,
      stats.digested,
      stats.dropped,
      stats.deadLettered,
      stats.pending,
      '',
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
