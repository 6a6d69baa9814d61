import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { ProbeResult } from '../../src/index.js';
import {
  startCollectorEmulator,
  startDiscordEmulator,
  startSlackEmulator,
  startTelegramEmulator,
} from '../../src/testing/index.js';
import { closedPort, onCleanup, track } from '../helpers/cleanups.js';
import { startServer } from '../helpers/http-server.js';

function writeConfig(destinations: readonly object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'offpath-check-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'offpath.config.json');
  writeFileSync(file, JSON.stringify({ destinations }));
  return file;
}

async function runCheck(...args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
  let out = '';
  let err = '';
  const code = await runCli(['check', ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  return { out, err, code };
}

/** The table's rows as cells (split on runs of 2+ spaces), keyed by destination name. */
function rows(out: string): Map<string, string[]> {
  const lines = out.split('\n');
  const header = lines.findIndex((l) => l.startsWith('destination'));
  const map = new Map<string, string[]>();
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '') break;
    const cells = line.split(/ {2,}/);
    map.set(cells[0]!, cells);
  }
  return map;
}

describe('offpath check --probe against the emulators', () => {
  it('reports good, deleted, unreachable, skipped and hanging destinations, hides every secret, exits 3', async () => {
    const discord = await track(startDiscordEmulator());
    const tg = await track(startTelegramEmulator());
    const slack = await track(startSlackEmulator());
    const collector = await track(startCollectorEmulator({ auth: { value: 'Bearer collector-secret-77' } }));
    const silent = await track(startServer(() => new Promise(() => undefined)));
    const [good] = discord.webhooks();
    const deleted = discord.createWebhook({ name: 'old-alerts' });
    discord.deleteWebhook(deleted.id);
    const [bot] = tg.bots();
    const [, group] = tg.chats();
    const [slackHook] = slack.webhooks();
    const downPort = await closedPort();
    const file = writeConfig([
      { name: 'discord-ok', type: 'discord', url: good!.legacyUrl },
      { name: 'discord-deleted', type: 'discord', url: deleted.url },
      {
        name: 'discord-down',
        type: 'discord',
        url: `http://127.0.0.1:${downPort}/api/webhooks/42/${good!.token}`,
      },
      { name: 'tg-ok', type: 'telegram', token: bot!.token, chatId: group!.id, apiUrl: tg.url },
      { name: 'tg-nochat', type: 'telegram', token: bot!.token, chatId: 987654, apiUrl: tg.url },
      { name: 'tg-badtoken', type: 'telegram', token: '123:wrongwrong', chatId: group!.id, apiUrl: tg.url },
      { name: 'slack', type: 'slack', url: slackHook!.url },
      {
        name: 'collector',
        type: 'http',
        url: `${collector.url}/ingest`,
        headers: { authorization: 'Bearer collector-secret-77' },
        probe: { url: '/health' },
      },
      { name: 'collector-noprobe', type: 'http', url: `${collector.url}/ingest` },
      { name: 'hangs', type: 'http', url: `${silent.url}/ingest`, probe: { method: 'HEAD' } },
      { name: 'local', type: 'console' },
    ]);

    // Long enough for eleven probes in parallel on a loaded machine; the silent server still times out.
    const { out, err, code } = await runCheck('--config', file, '--probe', '--timeout', '2000');

    expect(err).toBe('');
    expect(code).toBe(3);
    const table = rows(out);
    const row = (name: string) => {
      const cells = table.get(name);
      if (!cells) throw new Error(`no row for ${name} in:\n${out}`);
      return { type: cells[1], target: cells[2], status: cells[3], latency: cells[4], detail: cells[5] };
    };
    const discordHost = new URL(discord.url).host;
    expect(row('discord-ok')).toMatchObject({
      type: 'discord',
      target: `${discordHost}/api/v10/webhooks/${good!.id}/****`,
      status: 'ok',
      detail: `webhook "${good!.name}" in channel ${good!.channelId}`,
    });
    expect(row('discord-ok').latency).toMatch(/^\d+ ms$/);
    expect(row('discord-deleted')).toMatchObject({
      status: 'failed',
      detail: 'Unknown Webhook (10015): the webhook was deleted',
    });
    expect(row('discord-down')).toMatchObject({
      target: `127.0.0.1:${downPort}/api/v10/webhooks/42/****`,
      status: 'unreachable',
      detail: 'connection refused',
    });
    expect(row('tg-ok')).toMatchObject({
      target: `${new URL(tg.url).host} bot ${bot!.id}:**** chat ${group!.id}`,
      status: 'ok',
      detail: `bot @${bot!.username} can see chat "Emulated supergroup" (supergroup)`,
    });
    expect(row('tg-nochat')).toMatchObject({
      status: 'failed',
      detail: `bot @${bot!.username}, chat 987654: Bad Request: chat not found (400): the id is wrong or the bot was never added to the chat`,
    });
    expect(row('tg-badtoken')).toMatchObject({
      status: 'failed',
      detail: 'Unauthorized (401): the bot token is wrong or was revoked',
    });
    expect(row('slack')).toMatchObject({
      target: `${new URL(slackHook!.url).host}/services/****`,
      status: 'skipped',
      latency: '-',
      detail: 'Slack incoming webhooks cannot be checked without posting a message',
    });
    expect(row('collector')).toMatchObject({
      target: `${new URL(collector.url).host}/ingest`,
      status: 'ok',
      detail: 'GET answered 200',
    });
    expect(row('collector-noprobe')).toMatchObject({ status: 'skipped' });
    expect(row('hangs')).toMatchObject({
      status: 'unreachable',
      detail: 'no answer: timed out after 2000 ms',
    });
    expect(row('local')).toMatchObject({
      target: 'stderr',
      status: 'skipped',
      detail: 'nothing to check for a console destination',
    });
    expect(out).toContain('11 destination(s): 3 ok, 3 failed, 2 unreachable, 3 skipped');

    // Nothing was posted anywhere, and no credential was printed.
    expect(discord.messages()).toEqual([]);
    expect(tg.messages()).toEqual([]);
    expect(slack.messages()).toEqual([]);
    expect(collector.batches()).toEqual([]);
    const slackSecret = new URL(slackHook!.url).pathname.split('/').slice(2).join('/');
    for (const secret of [
      good!.token,
      deleted.token,
      bot!.token.split(':')[1]!,
      slackSecret,
      'collector-secret-77',
    ])
      expect(out).not.toContain(secret);
  });

  it('exits 0 when every destination is healthy, and prints JSON with --json', async () => {
    const discord = await track(startDiscordEmulator());
    const tg = await track(startTelegramEmulator());
    const collector = await track(startCollectorEmulator());
    const [hook] = discord.webhooks();
    const [bot] = tg.bots();
    const [privateChat] = tg.chats();
    const file = writeConfig([
      { name: 'ops', type: 'discord', url: hook!.url },
      { name: 'oncall', type: 'telegram', token: bot!.token, chatId: privateChat!.id, apiUrl: tg.url },
      {
        name: 'lake',
        type: 'http',
        url: `${collector.url}/ingest`,
        probe: { url: `${collector.url}/health` },
      },
    ]);

    const table = await runCheck('--config', file, '--probe');
    expect(table.code).toBe(0);
    expect([...rows(table.out).values()].map((cells) => cells[3])).toEqual(['ok', 'ok', 'ok']);

    const json = await runCheck('--config', file, '--probe', '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as { valid: boolean; destinations: ProbeResult[] };
    expect(parsed.valid).toBe(true);
    expect(parsed.destinations.map((d) => [d.destination, d.type, d.status])).toEqual([
      ['ops', 'discord', 'ok'],
      ['oncall', 'telegram', 'ok'],
      ['lake', 'http', 'ok'],
    ]);
    expect(parsed.destinations[1]).toMatchObject({
      detail: `bot @${bot!.username} can see chat "Emulated User" (private)`,
      latencyMs: expect.any(Number),
    });
    expect(json.out).not.toContain(hook!.token);
  });

  it('keeps exit 1 for an invalid config and explains a bad probe option; exit 2 for a bad --timeout', async () => {
    const file = writeConfig([
      {
        name: 'lake',
        type: 'http',
        url: 'http://127.0.0.1:9/ingest',
        probe: { url: 'health', method: 'POST' },
      },
    ]);
    const invalid = await runCheck('--config', file, '--probe');
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain(
      'destinations[0].probe.url: must be an absolute http(s) URL or a path starting with "/" (like "/health")',
    );
    expect(invalid.err).toContain('destinations[0].probe.method: must be GET or HEAD (a probe never posts)');

    const good = writeConfig([{ name: 'local', type: 'console' }]);
    const badTimeout = await runCheck('--config', good, '--probe', '--timeout', 'soon');
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.err).toContain(
      "option '--timeout <ms>' argument 'soon' is invalid. expected a whole number of at least 1.",
    );
  });
});
