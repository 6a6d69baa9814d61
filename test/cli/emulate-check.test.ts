import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCliChild } from '../helpers/run-node.js';

/** Starts `offpath emulate ...` and resolves once it printed its read-back URL. */
function startEmulateChild(args: readonly string[]) {
  const child = spawn(process.execPath, [CLI, 'emulate', ...args], { stdio: 'pipe' });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulate did not start:\n${stdout}`)), 60_000);
    child.stdout.on('data', () => {
      const url = /GET {2}(\S+\/__offpath\/received)/.exec(stdout)?.[1];
      if (url && stdout.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve(url);
      }
    });
  });
  return { child, ready, exited, output: () => stdout };
}

describe('offpath emulate', () => {
  it('prints a line per request, serves what it received as JSON, and exits 0 on SIGTERM', async () => {
    const emulate = startEmulateChild(['collector']);
    try {
      const readBack = await emulate.ready;
      const base = readBack.replace('/__offpath/received', '');
      await fetch(`${base}/ingest`, {
        method: 'POST',
        body: '[{"n":1}]',
        headers: { 'content-type': 'application/json' },
      });
      await fetch(`${base}/ingest`, { method: 'PUT', body: 'x' });
      const received = (await (await fetch(readBack)).json()) as {
        requests: Array<{ method: string; path: string; status: number }>;
        batches: Array<{ items: unknown[] }>;
      };
      expect(received.requests.map((r) => [r.method, r.path, r.status])).toEqual([
        ['POST', '/ingest', 200],
        ['PUT', '/ingest', 405],
      ]);
      expect(received.batches.map((b) => b.items)).toEqual([[{ n: 1 }]]);
      await expect
        .poll(() => emulate.output())
        .toMatch(/POST \/ingest → 200 \(9 B in\)\n.*PUT \/ingest → 405 \(1 B in\)\n/);
      // The read-back is not a request to the emulated platform: no line for it.
      expect(emulate.output()).not.toMatch(/GET \/__offpath/);
    } finally {
      emulate.child.kill('SIGTERM');
    }
    expect(await emulate.exited).toBe(0);
  });
});

describe('offpath check --json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'offpath-check-json-'));
  const file = (name: string, config: object): string => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(config));
    return path;
  };

  it('prints every problem as { path, message, hint } and exits 1', async () => {
    const path = file('bad.json', {
      destinations: [{ name: 'ops', type: 'memory', minLevl: 'warn', batch: { maxSize: 'ten' } }],
    });
    const run = await runCliChild(['check', '--config', path, '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      config: path,
      valid: false,
      issues: [
        { path: 'destinations[0].batch.maxSize', message: 'expected a positive integer, got "ten"' },
        { path: 'destinations[0].minLevl', message: 'unknown setting', hint: 'did you mean "minLevel"?' },
      ],
    });
  });

  it('prints { valid: true, issues: [] } for a valid config, and validates the environment alone', async () => {
    const path = file('good.json', { destinations: [{ name: 'ops', type: 'memory' }] });
    const run = await runCliChild(['check', '--config', path, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ config: path, valid: true, issues: [] });

    const env = await runCliChild(['check', '--json'], {
      cwd: dir,
      env: { OFFPATH_CONFIG: undefined, OFFPATH_SLACK_URL: 'https://hooks.slack.com/nope' },
    });
    expect(env.code).toBe(1);
    expect(JSON.parse(env.stdout)).toEqual({
      config: 'env',
      valid: false,
      issues: [
        {
          path: 'OFFPATH_SLACK_URL',
          message: 'must be a Slack incoming webhook URL (https://hooks.slack.com/services/T…/B…/…)',
        },
      ],
    });
  });
});
