/**
 * One table of broken configs, each tried two ways, as a user would: `offpath check` must refuse it
 * (exit 1, naming the field), and an app started with zero-code mode must run exactly as without
 * offpath (same output, same exit code) plus one warning line with the same problem.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildRun, inBatches, runApp, runCliChild } from '../helpers/run-node.js';

interface BrokenConfig {
  readonly name: string;
  /** The config file's name and text; absent for env-only rows. */
  readonly file?: { readonly name: string; readonly text: string };
  /** OFFPATH_CONFIG names this path under the row's folder instead of the file (missing, a folder). */
  readonly configPath?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** What both `check` and the warning must say. */
  readonly says: string;
}

const discord = { name: 'ops', type: 'discord', url: 'http://127.0.0.1:9/api/webhooks/1/token' };
const json = (config: object) => ({ name: 'offpath.config.json', text: JSON.stringify(config) });
const withDestination = (extra: object) => json({ destinations: [{ ...discord, ...extra }] });

const TABLE: readonly BrokenConfig[] = [
  {
    name: 'an invalid regular expression in a route',
    file: json({ destinations: [discord], routes: [{ destinations: ['ops'], urls: ['/pay(/'] }] }),
    says: 'routes[0].urls[0]: is not a valid regular expression (Unterminated group)',
  },
  {
    name: 'an invalid regular expression in capture',
    file: json({ destinations: [discord], capture: { fetch: { exclude: ['/[z-a]/'] } } }),
    says: 'capture.fetch.exclude[0]: is not a valid regular expression',
  },
  {
    name: 'an invalid redaction pattern',
    file: json({ destinations: [discord], redact: { patterns: [{ name: 'id', pattern: '(?<x' }] } }),
    says: 'redact.patterns[0].pattern: is not a valid regular expression',
  },
  {
    name: 'a malformed template',
    file: withDestination({ templates: { http: { title: '{{#http}}{{method}}' } } }),
    says: 'destinations[0].templates.http.title: Unclosed section "http"',
  },
  {
    name: 'a wrong type',
    file: withDestination({ batch: { maxSize: 'ten' } }),
    says: 'destinations[0].batch.maxSize: expected a positive integer, got "ten"',
  },
  {
    name: 'an enum-like value outside its choices',
    file: withDestination({ retry: 'fast' }),
    says: 'destinations[0].retry: expected one of defaults, aggressive, noRetry, persistent, or an object, got "fast"',
  },
  {
    name: 'a URL that is not a Discord webhook',
    file: json({ destinations: [{ ...discord, url: 'https://discord.com/channels/1/2' }] }),
    says: 'destinations[0].url: must be a Discord webhook URL',
  },
  {
    name: 'a URL that is not a Slack incoming webhook',
    file: json({ destinations: [{ name: 's', type: 'slack', url: 'https://hooks.slack.com/workflows/1' }] }),
    says: 'destinations[0].url: must be a Slack incoming webhook URL',
  },
  {
    name: 'a Telegram token of the wrong shape',
    file: json({ destinations: [{ name: 't', type: 'telegram', token: 'abc', chatId: 1 }] }),
    says: 'destinations[0].token: must look like 123456:ABC-DEF',
  },
  {
    name: 'a misspelt setting',
    file: withDestination({ minLevl: 'error' }),
    says: 'destinations[0].minLevl: unknown setting (did you mean "minLevel"?)',
  },
  {
    name: 'a shared relay queue without the Redis it needs',
    file: json({ destinations: [discord], server: { queue: { type: 'redis' } } }),
    says: "server.queue.type: 'redis' needs coordination.redis, the Redis the replicas share (add coordination",
  },
  {
    name: 'a YAML syntax error',
    file: { name: 'offpath.config.yaml', text: 'destinations:\n  - name: ops\n   type: discord\n' },
    says: 'syntax error',
  },
  {
    name: 'a variable that is not set',
    file: json({ destinations: [{ ...discord, url: '${OFFPATH_TEST_NEVER_SET}' }] }),
    says: 'destinations[0].url: ${OFFPATH_TEST_NEVER_SET} is not set',
  },
  {
    name: 'an unreadable file (a folder)',
    configPath: 'folder.json',
    says: 'cannot read the config file (EISDIR',
  },
  {
    name: 'a missing file',
    configPath: 'absent.json',
    says: 'cannot read the config file (ENOENT',
  },
  {
    name: 'an env-only URL that is not a URL',
    env: { OFFPATH_DISCORD_URL: 'discord.com/api/webhooks/1/x' },
    says: 'OFFPATH_DISCORD_URL: must be an absolute http(s) URL',
  },
];

// What the app does on its own: output on both streams and a chosen exit code.
const APP = `console.log('app: started'); console.error('app: a line of its own on stderr'); await new Promise((r) => setTimeout(r, 20)); console.log('app: done'); process.exitCode = 7;`;

const CLEAN_ENV = {
  OFFPATH_CONFIG: undefined,
  OFFPATH_DISCORD_URL: undefined,
  OFFPATH_SLACK_URL: undefined,
  OFFPATH_HTTP_URL: undefined,
  OFFPATH_TELEGRAM_TOKEN: undefined,
  OFFPATH_TELEGRAM_CHAT_ID: undefined,
};

let root: string;
let baseline: ChildRun;
const results = new Map<string, { app: ChildRun; check: ChildRun }>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'offpath-broken-'));
  baseline = await runApp(APP, { register: false, cwd: root, env: CLEAN_ENV });
  const runs = await inBatches(
    TABLE.map((row, i) => async () => {
      const dir = join(root, String(i));
      mkdirSync(dir);
      mkdirSync(join(dir, 'folder.json'));
      if (row.file) writeFileSync(join(dir, row.file.name), row.file.text);
      const configPath = row.configPath ?? row.file?.name;
      const env = {
        ...CLEAN_ENV,
        ...row.env,
        ...(configPath ? { OFFPATH_CONFIG: join(dir, configPath) } : {}),
      };
      const [app, check] = await Promise.all([
        runApp(APP, { register: true, cwd: dir, env }),
        runCliChild(['check'], { cwd: dir, env }),
      ]);
      return [row.name, { app, check }] as const;
    }),
  );
  for (const [name, run] of runs) results.set(name, run);
}, 240_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a broken config', () => {
  it('the app alone: prints its lines and exits 7', () => {
    expect(baseline).toEqual({
      code: 7,
      stdout: 'app: started\napp: done\n',
      stderr: 'app: a line of its own on stderr\n',
    });
  });

  it.each(TABLE.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const { app, check } = results.get(row.name)!;
    // Zero-code mode: the app's own output and exit code are untouched, plus one warning line.
    expect(app.code).toBe(baseline.code);
    expect(app.stdout).toBe(baseline.stdout);
    const extra = app.stderr.split('\n').filter((l) => l !== '' && !baseline.stderr.includes(l));
    expect(extra).toHaveLength(1);
    expect(extra[0]).toMatch(/^offpath: not capturing: /);
    expect(extra[0]).toContain(row.says);
    expect(app.stderr.replace(`${extra[0]}\n`, '')).toBe(baseline.stderr);
    // offpath check: the same problem, exit 1.
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(row.says);
    expect(check.stdout).toBe('');
  });
});
