/**
 * The exit-code contract, command by command, with the real CLI in a child process: 0 ok, 1 invalid
 * config or input, or a failed operation, 2 a usage error, 3 a destination failed. A command added to
 * the program belongs in this table.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSpool } from '../../src/spool/open-spool.js';
import {
  type DiscordEmulator,
  type SlackEmulator,
  startDiscordEmulator,
  startSlackEmulator,
} from '../../src/testing/index.js';
import { closedPort } from '../helpers/cleanups.js';
import { type ChildRun, inBatches, runCliChild } from '../helpers/run-node.js';

interface Row {
  /** The command line; `$NAME` is replaced by a fixture path or value. */
  readonly args: readonly string[];
  readonly code: 0 | 1 | 2 | 3;
  readonly stdin?: string;
  /** Printed on stdout or stderr. */
  readonly says?: string;
}

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const TABLE: Readonly<Record<string, readonly Row[]>> = {
  offpath: [
    { args: ['--version'], code: 0, says: version },
    { args: ['-V'], code: 0, says: version },
    { args: ['--help'], code: 0, says: 'Exit codes (every command)' },
    { args: ['help'], code: 0, says: 'Usage: offpath' },
    { args: [], code: 2, says: 'Usage: offpath' },
    { args: ['nope'], code: 2, says: "unknown command 'nope'" },
    { args: ['--nope'], code: 2, says: "unknown option '--nope'" },
  ],
  check: [
    { args: ['check', '--config', '$VALID'], code: 0, says: 'is valid' },
    { args: ['check', '--config', '$INVALID'], code: 1, says: 'destinations[0].batch.maxSize' },
    { args: ['check', '--config', '$MISSING'], code: 2, says: 'no such file' },
    { args: ['check'], code: 2, says: 'no config' },
    { args: ['check', '--nope'], code: 2, says: "unknown option '--nope'" },
    { args: ['check', '--config', '$VALID', '--timeout', '0'], code: 2, says: '--timeout' },
    { args: ['check', '--config', '$VALID', '--probe'], code: 0, says: '1 ok' },
    { args: ['check', '--config', '$DOWN', '--probe', '--timeout', '2000'], code: 3, says: 'unreachable' },
  ],
  demo: [
    { args: ['demo', '--requests', '4', '--interval', '0'], code: 0, says: 'ledger' },
    { args: ['demo', '--requests', 'many'], code: 2, says: "argument 'many' is invalid" },
    { args: ['demo', '--nope'], code: 2, says: "unknown option '--nope'" },
  ],
  curl: [
    { args: ['curl'], code: 0, stdin: '{"url":"https://a.io/x"}', says: 'curl ' },
    { args: ['curl'], code: 1, stdin: '{"url":"a.io/x"}', says: 'input.url: not a valid absolute URL' },
    { args: ['curl'], code: 1, stdin: 'not json', says: 'not valid JSON' },
    { args: ['curl', '--har', '$HAR'], code: 0, says: 'https://a.io/from-har' },
    { args: ['curl', '--har', '$BROKEN_HAR'], code: 1, says: 'not valid JSON' },
    { args: ['curl', '--har', '$MISSING'], code: 2, says: 'no such file' },
    { args: ['curl', '--max-body', 'some'], code: 2, says: "argument 'some' is invalid" },
  ],
  preview: [
    { args: ['preview', '--to', 'discord', '--event', '$EVENT'], code: 0, says: '"embeds"' },
    { args: ['preview', '--to', 'slack', '--event', '$BROKEN_EVENT'], code: 1, says: 'not valid JSON' },
    { args: ['preview', '--to', 'slack', '--event', '$MISSING'], code: 2, says: 'no such file' },
    { args: ['preview', '--event', '$EVENT'], code: 2, says: "required option '--to <platform>'" },
    { args: ['preview', '--to', 'teams', '--event', '$EVENT'], code: 2, says: "argument 'teams' is invalid" },
  ],
  emulate: [
    { args: ['emulate', 'teams'], code: 2, says: "'teams' is invalid" },
    { args: ['emulate'], code: 2, says: "missing required argument 'platform'" },
    { args: ['emulate', 'slack', '--port', '70000'], code: 2, says: "argument '70000' is invalid" },
    { args: ['emulate', 'slack', '--port', '$TAKEN_PORT'], code: 1, says: 'EADDRINUSE' },
  ],
  send: [
    { args: ['send', '--to', 'ops', '--config', '$SEND'], code: 0, says: 'test message delivered' },
    { args: ['send', '--to', 'gone', '--config', '$SEND'], code: 3, says: 'Unknown Webhook' },
    { args: ['send', '--to', 'slack', '--config', '$SEND'], code: 0, says: 'test message delivered' },
    { args: ['send', '--to', 'slack-revoked', '--config', '$SEND'], code: 3, says: 'no_service' },
    {
      args: ['send', '--to', 'down', '--config', '$SEND', '--timeout', '3000'],
      code: 3,
      says: 'not delivered',
    },
    { args: ['send', '--to', 'nobody', '--config', '$SEND'], code: 2, says: 'no destination named "nobody"' },
    { args: ['send', '--config', '$SEND'], code: 2, says: "required option '--to <name>'" },
    { args: ['send', '--to', 'ops', '--config', '$INVALID'], code: 1, says: 'destinations[0].batch.maxSize' },
    { args: ['send', '--to', 'ops', '--config', '$MISSING'], code: 2, says: 'no such file' },
    {
      args: ['send', '--to', 'ops', '--config', '$SEND', '--level', 'loud'],
      code: 2,
      says: "'loud' is invalid",
    },
  ],
  spool: [
    { args: ['spool', 'stats', '--spool', '$SPOOL'], code: 0, says: '0 dead letter(s)' },
    { args: ['spool', 'stats', '--spool', '$MISSING'], code: 1, says: 'no spool at' },
    { args: ['spool', 'stats', '--config', '$MISSING'], code: 2, says: 'no such file' },
    { args: ['spool', 'stats', '--config', '$INVALID'], code: 1, says: 'destinations[0].batch.maxSize' },
    { args: ['spool'], code: 2, says: 'Usage: offpath spool' },
    { args: ['spool', 'nope'], code: 2, says: "unknown command 'nope'" },
  ],
  dlq: [
    { args: ['dlq', 'list', '--spool', '$SPOOL'], code: 0, says: 'no dead letters match' },
    { args: ['dlq', 'list', '--spool', '$SPOOL', '--limit', '0'], code: 2, says: "argument '0' is invalid" },
    { args: ['dlq', 'list', '--spool', '$SPOOL', '--since', 'soonish'], code: 2, says: 'use a duration' },
    { args: ['dlq', 'show', '7', '--spool', '$SPOOL'], code: 1, says: 'no dead letter with id 7' },
    { args: ['dlq', 'show', '--spool', '$SPOOL'], code: 2, says: "missing required argument 'id'" },
    { args: ['dlq', 'export', '--spool', '$SPOOL'], code: 0 },
    { args: ['dlq', 'purge', '--spool', '$SPOOL'], code: 2, says: 'or --all' },
    { args: ['dlq', 'purge', '--all', '--spool', '$SPOOL'], code: 0, says: 'purged 0' },
    { args: ['dlq', 'replay', '--config', '$VALID', '--spool', '$SPOOL'], code: 0, says: 'requeued 0' },
    { args: ['dlq', 'replay', '--config', '$MISSING'], code: 2, says: 'no such file' },
    { args: ['dlq', 'replay', '--config', '$INVALID'], code: 1, says: 'destinations[0].batch.maxSize' },
  ],
};

let root: string;
let discord: DiscordEmulator;
let slack: SlackEmulator;
let taken: Server;
const fixtures: Record<string, string> = {};
const results = new Map<Row, ChildRun>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'offpath-exit-'));
  const cwd = join(root, 'cwd');
  mkdirSync(cwd);
  discord = await startDiscordEmulator();
  const [hook] = discord.webhooks();
  const gone = discord.createWebhook({ name: 'gone' });
  discord.deleteWebhook(gone.id);
  slack = await startSlackEmulator();
  const [slackHook] = slack.webhooks();
  const revoked = slack.createWebhook({ channel: '#old' });
  slack.revokeWebhook(revoked.url);
  const downPort = await closedPort();
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const file = (name: string, text: string): string => {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  };
  Object.assign(fixtures, {
    VALID: file(
      'valid.json',
      JSON.stringify({ destinations: [{ name: 'ops', type: 'discord', url: hook!.url }] }),
    ),
    INVALID: file(
      'invalid.json',
      JSON.stringify({ destinations: [{ name: 'ops', type: 'memory', batch: { maxSize: 'ten' } }] }),
    ),
    DOWN: file(
      'down.json',
      JSON.stringify({
        destinations: [{ name: 'lake', type: 'http', url: `http://127.0.0.1:${downPort}/in`, probe: {} }],
      }),
    ),
    SEND: file(
      'send.json',
      JSON.stringify({
        destinations: [
          { name: 'ops', type: 'discord', url: hook!.url },
          { name: 'gone', type: 'discord', url: gone.url },
          { name: 'down', type: 'discord', url: `http://127.0.0.1:${downPort}/api/webhooks/1/x` },
          { name: 'slack', type: 'slack', url: slackHook!.url },
          { name: 'slack-revoked', type: 'slack', url: revoked.url },
        ],
      }),
    ),
    HAR: file(
      'session.har',
      JSON.stringify({ log: { entries: [{ request: { url: 'https://a.io/from-har' } }] } }),
    ),
    BROKEN_HAR: file('broken.har', '{ "log": '),
    EVENT: file('event.json', JSON.stringify({ level: 'error', title: 'Payment failed' })),
    BROKEN_EVENT: file('broken-event.json', '{ level: error'),
    MISSING: join(root, 'absent.json'),
    SPOOL: join(root, 'spool.db'),
    TAKEN_PORT: String((taken.address() as { port: number }).port),
  });
  openSpool(fixtures['SPOOL']!).store.close();

  const rows = Object.values(TABLE).flat();
  const runs = await inBatches(
    rows.map(
      (row) => () =>
        runCliChild(
          row.args.map((a) => (a.startsWith('$') ? fixtures[a.slice(1)]! : a)),
          {
            cwd,
            // The demo's temporary folder lands under root and goes with it.
            env: { OFFPATH_CONFIG: undefined, OFFPATH_DISCORD_URL: undefined, TMPDIR: root },
            ...(row.stdin === undefined ? {} : { stdin: row.stdin }),
          },
        ),
    ),
  );
  for (const [i, row] of rows.entries()) results.set(row, runs[i]!);
}, 300_000);

afterAll(async () => {
  await discord?.close();
  await slack?.close();
  await new Promise<void>((resolve) => (taken ? taken.close(() => resolve()) : resolve()));
  rmSync(root, { recursive: true, force: true });
});

describe('exit codes', () => {
  for (const [command, rows] of Object.entries(TABLE)) {
    it.each(rows.map((row) => [row.args.join(' ') || '(no arguments)', row] as const))(
      `${command}: offpath %s`,
      (_label, row) => {
        const run = results.get(row)!;
        const printed = `${run.stdout}${run.stderr}`;
        expect({ code: run.code, printed }).toMatchObject({ code: row.code });
        if (row.says) expect(printed).toContain(row.says);
        // Never a stack trace, whatever went wrong.
        expect(printed).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
      },
    );
  }

  it('send posted exactly one test message, through the pipeline, to the healthy webhook', () => {
    const [hook] = discord.webhooks();
    const messages = discord.messages(hook!.id);
    expect(messages).toHaveLength(1);
    expect(JSON.stringify(messages[0]?.embeds)).toContain('offpath test message');
    // The only check a Slack webhook allows: one real message, on the live hook alone.
    expect(slack.messages().map((m) => m.displayText)).toEqual([
      expect.stringContaining('offpath test message'),
    ]);
  });
});
