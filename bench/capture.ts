/**
 * Capture overhead on a host: a loopback HTTP server called with node:http (keep-alive, 32 in
 * flight), with capture off, with capture on but the URL excluded (one branch), and with every request
 * captured and delivered to a discarding destination. Rounds alternate to even out drift. Then a soak:
 * SOAK_REQUESTS (default 1,000,000) requests with random aborts and timeouts, ending with the number
 * of requests the source still tracks (must be 0).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOffpath, httpSource } from '../dist/index.js';
import { type BenchResult, discardSink, percentile } from './types.js';

type Mode = 'off' | 'filtered' | 'on' | 'all';

export async function run(
  perRound = Number(process.env['CAPTURE_REQUESTS'] ?? 20_000),
  soak = Number(process.env['SOAK_REQUESTS'] ?? 1_000_000),
): Promise<BenchResult[]> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(req.url === '/hang' ? 200 : 200).end('ok');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const offpath = createOffpath({
    destinations: [{ name: 'd', type: 'custom', sink: discardSink(), queue: { maxItems: 100_000 } }],
    limits: { intakeCapacity: 100_000 },
  });

  const call = (path: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      http
        .get(`${base}${path}`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(performance.now() - started));
        })
        .on('error', reject);
    });

  const round = async (mode: Mode): Promise<{ rps: number; latencies: number[] }> => {
    const options = { filtered: { exclude: ['**'] }, on: {}, all: { status: ['2xx'] } } as const;
    const detach = mode === 'off' ? () => {} : offpath.attach(httpSource(options[mode]));
    const latencies: number[] = [];
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < perRound) {
          next++;
          latencies.push(await call('/ok'));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    detach();
    await offpath.flush({ timeoutMs: 30_000 });
    return { rps: perRound / seconds, latencies };
  };

  const results: Record<Mode, { rps: number[]; latencies: number[] }> = {
    off: { rps: [], latencies: [] },
    filtered: { rps: [], latencies: [] },
    on: { rps: [], latencies: [] },
    all: { rps: [], latencies: [] },
  };
  await round('off'); // warm-up
  for (let i = 0; i < 3; i++) {
    for (const mode of ['off', 'filtered', 'on', 'all'] as const) {
      const r = await round(mode);
      results[mode].rps.push(r.rps);
      results[mode].latencies.push(...r.latencies);
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const p99 = (v: number[]) => percentile(Float64Array.from(v).sort(), 0.99);
  const off = median(results.off.rps);
  const rows: BenchResult[] = [];
  const label = {
    filtered: 'URL excluded',
    on: 'on (default: failures and slow calls)',
    all: 'every request delivered (worst case)',
  } as const;
  for (const mode of ['filtered', 'on', 'all'] as const) {
    const drop = (1 - median(results[mode].rps) / off) * 100;
    const added = (p99(results[mode].latencies) - p99(results.off.latencies)) * 1000;
    const held = mode !== 'all';
    rows.push({
      name: `capture ${label[mode]}: throughput vs capture off`,
      value: Math.round(-drop * 10) / 10,
      unit: '%',
      ...(held ? { target: '≥ -3 %', pass: drop <= 3 } : {}),
    });
    rows.push({
      name: `capture ${label[mode]}: p99 latency added`,
      value: Math.round(added),
      unit: 'µs',
      ...(held ? { target: '< 50 µs', pass: added < 50 } : {}),
    });
  }
  rows.unshift({
    name: 'capture off: requests per second (median of 3 rounds)',
    value: Math.round(off),
    unit: 'req/s',
  });
  rows.push({
    name: 'capture every request: events delivered',
    value: offpath.stats().delivered,
    unit: 'events',
  });

  // Soak: random aborts and timeouts; the source must end with nothing pending.
  const source = httpSource({ status: ['2xx', '5xx'] });
  const detach = offpath.attach(source);
  let done = 0;
  const soakOne = (i: number): Promise<void> =>
    new Promise((resolve) => {
      const req = http.get(`${base}/ok`, { agent, timeout: 1_000 }, (res) => {
        if (i % 13 === 0) res.destroy();
        else res.resume();
        res.on('close', () => resolve());
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve());
      if (i % 17 === 0) setImmediate(() => req.destroy());
    });
  const soakStarted = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (done < soak) await soakOne(done++);
    }),
  );
  await new Promise((r) => setTimeout(r, 100));
  const pending = source.pendingCount();
  rows.push({
    name: `soak: ${soak.toLocaleString('en-US')} requests with aborts, pending state left`,
    value: pending,
    unit: 'requests',
    target: '0',
    pass: pending === 0,
  });
  rows.push({
    name: 'soak: duration',
    value: Math.round((performance.now() - soakStarted) / 1000),
    unit: 's',
  });
  detach();
  await offpath.close({ timeoutMs: 5_000 });
  agent.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return rows;
}
