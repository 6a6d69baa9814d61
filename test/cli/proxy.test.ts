import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { proxySetup } from '../../src/cli/commands/proxy.js';
import { startCollectorEmulator } from '../../src/testing/index.js';
import { onCleanup, track } from '../helpers/cleanups.js';
import { send, upstream } from '../helpers/gateway-harness.js';
import { waitFor } from '../helpers/http-server.js';
import { CLI } from '../helpers/run-node.js';

const KEY = 'sk-cli-upstream-key-445566778899';

/** Runs `offpath …args` and resolves once it prints where it listens. */
async function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  onCleanup(() => {
    child.kill('SIGKILL');
  });
  const out: string[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => out.push(l));
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  await waitFor(
    () => out.some((l) => l.includes('Ctrl+C')) || child.exitCode !== null,
    20_000,
    'the proxy to start',
  );
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out.join('\n'))?.[1];
  return { child, out, exited, url, stderr: () => err };
}

describe('offpath proxy', () => {
  it('proxies with headers read from the environment, traces to the config destinations, drains on SIGTERM', async () => {
    const up = await upstream((req, res) => {
      res.writeHead(req.url === '/v1/broken' ? 502 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, authorization: req.headers.authorization }));
    });
    const collector = await track(startCollectorEmulator());
    const dir = mkdtempSync(join(tmpdir(), 'offpath-proxy-'));
    const config = join(dir, 'offpath.config.yaml');
    writeFileSync(
      config,
      `destinations:\n  - name: collector\n    type: http\n    url: ${collector.url}/ingest\n`,
    );
    const cli = await startCli(
      [
        'proxy',
        '--target',
        up.url,
        '--port',
        '0',
        '--header',
        'authorization: Bearer ${UPSTREAM_KEY}',
        '--config',
        config,
      ],
      { UPSTREAM_KEY: KEY },
    );
    expect(cli.url, cli.stderr()).toBeDefined();
    const ok = await send(`${cli.url}/v1/models`);
    expect(JSON.parse(ok.body.toString())).toEqual({ url: '/v1/models', authorization: `Bearer ${KEY}` });
    expect((await send(`${cli.url}/v1/broken`)).status).toBe(502);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.out.join('\n')).toMatch(/stopped \(every trace delivered\)/);
    const records = collector.items();
    expect(records).toHaveLength(1);
    expect(JSON.stringify(records)).not.toContain(KEY);
    expect(records[0]).toMatchObject({ kind: 'http', http: { response: { status: 502 } } });
  }, 60_000);

  it('explains wrong options and missing variables with exit code 2', async () => {
    expect(() => proxySetup({ port: 8080, host: '127.0.0.1', header: [] })).toThrow(/give --target URL/);
    expect(() =>
      proxySetup({ target: 'http://127.0.0.1:1', port: 70_000, host: '127.0.0.1', header: [] }),
    ).toThrow(/--port must be/);
    expect(() =>
      proxySetup(
        { target: 'http://127.0.0.1:1', port: 0, host: '127.0.0.1', header: ['authorization: ${NOPE_X}'] },
        {},
      ),
    ).toThrow(/NOPE_X/);
    expect(() =>
      proxySetup({ target: 'http://127.0.0.1:1', port: 0, host: '127.0.0.1', header: ['no colon'] }),
    ).toThrow(/name: value/);
    const cli = await startCli(['proxy', '--target', 'http://127.0.0.1:1', '--inactivity-timeout', 'soon']);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain('--inactivity-timeout must be a whole number');
  }, 30_000);

  it('takes its proxies from the config file, and refuses a bad proxy with exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offpath-proxy-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'destinations:\n  - name: c\n    type: console\nproxies:\n  - path: /a\n    target: http://127.0.0.1:1\n    breaker: strict\n',
    );
    expect(proxySetup({ port: 0, host: '127.0.0.1', header: [], config: good }).proxies).toEqual([
      { path: '/a', target: 'http://127.0.0.1:1', breaker: 'strict' },
    ]);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'destinations:\n  - name: c\n    type: console\nproxies:\n  - target: ftp://x\n    breaker: sometimes\n',
    );
    const cli = await startCli(['proxy', '--config', bad]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(/proxies\[0\]\.target/);
    expect(cli.stderr()).toMatch(/proxies\[0\]\.breaker/);
  }, 30_000);
});
