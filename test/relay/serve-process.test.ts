import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCollectorEmulator } from '../../src/testing/index.js';
import { track } from '../helpers/cleanups.js';
import { TOKEN, waitFor } from '../helpers/relay.js';
import { startServe } from '../helpers/serve-process.js';

const post = (url: string, token: string, body: unknown) =>
  fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

function collectorConfig(dir: string, collectorUrl: string, extra: Record<string, unknown> = {}): string {
  const path = join(dir, 'offpath.config.json');
  writeFileSync(
    path,
    JSON.stringify({
      destinations: [
        {
          name: 'collector',
          type: 'http',
          url: `${collectorUrl}/ingest`,
          batch: { maxSize: 50, maxDelayMs: 5 },
          retry: { initialDelayMs: 5, maxDelayMs: 50 },
        },
      ],
      spool: { path: join(dir, 'spool.db'), durable: true },
      server: { tokens: [TOKEN] },
      closeTimeoutMs: 10_000,
      ...extra,
    }),
  );
  return path;
}

describe('offpath serve (child process)', () => {
  it('starts on a fresh directory with no config: embedded defaults, a 0600 token file, the token never printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offpath-fresh-'));
    const serve = await startServe(['--port', '0'], dir);
    const tokenPath = join(dir, '.offpath', 'token');
    await waitFor(
      () => serve.lines.some((l) => l.includes(tokenPath)),
      5_000,
      'the token file path in the log',
    );
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenPath, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect((await fetch(`${serve.url}/readyz`)).status).toBe(200);
    expect((await post(serve.url, 'wrong-token-0123456789', { message: 'x' })).status).toBe(401);
    const res = await post(serve.url, token, { level: 'warn', message: 'hello from a fresh machine' });
    expect(res.status).toBe(202);
    await waitFor(
      () => serve.lines.some((l) => l.includes('hello from a fresh machine')),
      5_000,
      'the console destination line',
    );
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.lines.join('\n')).not.toContain(token);
    expect(statSync(join(dir, '.offpath', 'spool.db')).size).toBeGreaterThan(0);
  });

  it('on SIGTERM refuses new requests with 503, delivers what it accepted and exits 0', async () => {
    const collector = await track(startCollectorEmulator());
    collector.faults.latencyMs = 100;
    const dir = mkdtempSync(join(tmpdir(), 'offpath-term-'));
    const serve = await startServe(['--config', collectorConfig(dir, collector.url), '--port', '0'], dir);
    const sent: string[] = [];
    for (let b = 0; b < 10; b++) {
      const batch = Array.from({ length: 100 }, (_, i) => ({ message: `t-${b}-${i}` }));
      expect((await post(serve.url, TOKEN, batch)).status).toBe(202);
      sent.push(...batch.map((e) => e.message));
    }
    serve.child.kill('SIGTERM');
    await waitFor(() => serve.lines.some((l) => l.includes('SIGTERM received')), 10_000, 'the signal');
    // Requests after the signal are refused (503, or no listener any more), never accepted and lost.
    let refused = 0;
    for (let i = 0; i < 20 && serve.child.exitCode === null; i++) {
      try {
        const res = await post(serve.url, TOKEN, { message: 'late' });
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        refused++;
      } catch {
        break; // the listener is already closed: connection refused
      }
    }
    expect(await serve.exited).toBe(0);
    const delivered = new Set((collector.items() as Array<{ message: string }>).map((i) => i.message));
    expect(sent.filter((m) => !delivered.has(m))).toEqual([]);
    expect(delivered.has('late')).toBe(false);
    expect(serve.lines.some((l) => l.includes('SIGTERM received'))).toBe(true);
    expect(refused).toBeGreaterThanOrEqual(0);
  });

  it('delivers every event answered 202 after a kill -9 while delivering, once restarted on the durable spool', async () => {
    const collector = await track(startCollectorEmulator());
    // Each delivery takes a second, so the kill always finds some in flight or waiting (at 30 ms a fast
    // relay kept up with ingest and the precondition below depended on timing).
    collector.faults.latencyMs = 1_000;
    const dir = mkdtempSync(join(tmpdir(), 'offpath-kill9-'));
    const config = collectorConfig(dir, collector.url);
    const first = await startServe(['--config', config, '--port', '0'], dir);
    const acknowledged: string[] = [];
    let n = 0;
    const deadline = Date.now() + 1_500;
    while (Date.now() < deadline) {
      const batch = Array.from({ length: 50 }, () => ({ message: `k-${n++}` }));
      const res = await post(first.url, TOKEN, batch);
      if (res.status === 202) acknowledged.push(...batch.map((e) => e.message));
    }
    first.child.kill('SIGKILL');
    await first.exited;
    const before = new Set((collector.items() as Array<{ message: string }>).map((i) => i.message));
    expect(acknowledged.some((m) => !before.has(m))).toBe(true); // the kill did cut deliveries off
    collector.faults.latencyMs = 0;
    const second = await startServe(['--config', config, '--port', '0'], dir);
    await waitFor(
      () => {
        const got = new Set((collector.items() as Array<{ message: string }>).map((i) => i.message));
        return acknowledged.every((m) => got.has(m));
      },
      30_000,
      'every acknowledged event after the restart',
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);

  it('reloads its config file on SIGHUP', async () => {
    const collector = await track(startCollectorEmulator());
    const other = await track(startCollectorEmulator());
    const dir = mkdtempSync(join(tmpdir(), 'offpath-hup-'));
    const config = collectorConfig(dir, collector.url);
    const serve = await startServe(['--config', config, '--port', '0'], dir);
    collectorConfig(dir, collector.url, {
      routes: [{ destinations: ['collector', 'other'] }],
      destinations: [
        {
          name: 'collector',
          type: 'http',
          url: `${collector.url}/ingest`,
          batch: { maxSize: 50, maxDelayMs: 5 },
          retry: { initialDelayMs: 5, maxDelayMs: 50 },
        },
        { name: 'other', type: 'http', url: `${other.url}/ingest`, batch: { maxDelayMs: 5 } },
      ],
    });
    serve.child.kill('SIGHUP');
    await waitFor(() => serve.lines.some((l) => l.includes('(SIGHUP)')), 5_000, 'the reload log line');
    expect(serve.lines.filter((l) => l.includes('(SIGHUP)'))).toEqual([
      expect.stringContaining('config reloaded (SIGHUP)'),
    ]);
    expect(serve.lines.find((l) => l.includes('config reloaded'))).toContain('added other');
    expect((await post(serve.url, TOKEN, { message: 'to both' })).status).toBe(202);
    await waitFor(
      () => other.items().length === 1 && collector.items().length === 1,
      5_000,
      'both destinations',
    );
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  });
});
