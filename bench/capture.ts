/**
 * Capture overhead on a host: a loopback HTTP server called with node:http (keep-alive), with capture
 * off, with capture on but the URL excluded (one branch), and with every request captured and
 * delivered to a discarding destination. Throughput with 32 requests in flight; latency one request at
 * a time; rounds alternate between modes to even out drift. Then a soak:
 * SOAK_REQUESTS (default 1,000,000) requests with random aborts and timeouts, ending with the number
 * of requests the source still tracks (must be 0).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOffpath, httpSource } from '../dist/index.js';
import { type BenchResult, discardSink, percentile } from './types.js';

/** `control` is capture off again: the difference between two identical modes is the noise floor. */
type Mode = 'off' | 'control' | 'filtered' | 'on' | 'all';

export async function run(
  perRound = Number(process.env['CAPTURE_REQUESTS'] ?? 20_000),
  soak = Number(process.env['SOAK_REQUESTS'] ?? 1_000_000),
): Promise<BenchResult[]> {
  const server = http.createServer((req, res) => {
    req.resume();
    // Slow enough that the soak's short timeouts fire before the answer.
    if (req.url === '/slow') setTimeout(() => res.end('late'), 30);
    else res.end('ok');
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

  /** `total` requests to `/ok` with `inFlight` at a time, capture in the given mode. */
  const round = async (
    mode: Mode,
    total: number,
    inFlight: number,
  ): Promise<{ rps: number; latencies: number[] }> => {
    const options = { filtered: { exclude: ['**'] }, on: {}, all: { status: ['2xx'] } } as const;
    const detach =
      mode === 'off' || mode === 'control' ? () => {} : offpath.attach(httpSource(options[mode]));
    const run = async (n: number, latencies: number[]): Promise<void> => {
      let next = 0;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < n) {
            next++;
            latencies.push(await call('/ok'));
          }
        }),
      );
    };
    // An app attaches once at start; untimed requests first, so that the runtime's switch to the
    // instrumented code paths is not counted as capture cost in every round.
    await run(500, []);
    const latencies: number[] = [];
    const started = performance.now();
    await run(total, latencies);
    const seconds = (performance.now() - started) / 1000;
    detach();
    await offpath.flush({ timeoutMs: 30_000 });
    return { rps: total / seconds, latencies };
  };

  const modes = ['off', 'filtered', 'on', 'all', 'control'] as const;
  const results: Record<Mode, { rps: number[]; latencies: number[] }> = {
    off: { rps: [], latencies: [] },
    control: { rps: [], latencies: [] },
    filtered: { rps: [], latencies: [] },
    on: { rps: [], latencies: [] },
    all: { rps: [], latencies: [] },
  };
  await round('off', perRound, 32); // warm-up
  // Throughput: 32 requests in flight, five rounds per mode alternating between modes, so that drift
  // falls on every mode alike; the median round counts.
  for (let i = 0; i < 5; i++) {
    for (const mode of modes) results[mode].rps.push((await round(mode, perRound, 32)).rps);
  }
  // Latency: one request at a time, so a request's time is its own and not the queue's; many short
  // alternating rounds, pooled per mode, so that the machine's drift falls on every mode alike.
  for (let i = 0; i < 20; i++) {
    for (const mode of modes) results[mode].latencies.push(...(await round(mode, 500, 1)).latencies);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const p99 = (v: number[]) => percentile(Float64Array.from(v).sort(), 0.99);
  const off = median(results.off.rps);
  const rows: BenchResult[] = [];
  const label = {
    control: 'off again (noise floor, same code as off)',
    filtered: 'URL excluded',
    on: 'on (default: failures and slow calls)',
    all: 'every request delivered (worst case)',
  } as const;
  for (const mode of ['control', 'filtered', 'on', 'all'] as const) {
    const drop = (1 - median(results[mode].rps) / off) * 100;
    const added = (p99(results[mode].latencies) - p99(results.off.latencies)) * 1000;
    const held = mode === 'filtered' || mode === 'on';
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
    name: 'capture off: requests per second (median of 5 rounds)',
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
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  // About 8% of responses abandoned mid-body, 6% of requests aborted before an answer, 1% timed out.
  const soakOne = (): Promise<void> =>
    new Promise((resolve) => {
      const draw = random();
      const slow = draw < 0.01;
      const req = http.get(
        `${base}${slow ? '/slow' : '/ok'}`,
        { agent, timeout: slow ? 5 : 1_000 },
        (res) => {
          if (draw > 0.92) res.destroy();
          else res.resume();
          res.on('close', () => resolve());
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve());
      if (draw > 0.86 && draw <= 0.92) setImmediate(() => req.destroy());
    });
  const soakStarted = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (done++ < soak) await soakOne();
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
