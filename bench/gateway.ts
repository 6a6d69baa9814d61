/**
 * Gateway overhead, side by side in one run, against a loopback upstream in its own process:
 *   direct          the load generator calls the upstream itself
 *   floor           through a bare proxy written with undici alone (Pool.stream into the response)
 *   control         the floor again, measured the same way: its distance from the floor is the
 *                   run's noise
 *   offpath         through offpath's gateway with its default tracing (failures and slow exchanges:
 *                   the answers here are fast 200s, so what is measured is the cost of deciding)
 *   offpath-all     every exchange traced (the worst case) to a destination that discards
 *   offpath-dead    every exchange traced, every destination black-holed (a server that never answers)
 * Throughput: autocannon in a child process, GATEWAY_CONNECTIONS connections for GATEWAY_SECONDS per
 * round. Latency: a child process making requests one at a time (autocannon reports whole ms).
 * Rounds alternate between modes so that the machine's drift falls on all alike; medians count.
 * Then an SSE stream of 10,000 events, direct and through the gateway: byte-exact, and the latency
 * each event gains.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startGateway } from '../dist/gateway/index.js';
import { createOffpath } from '../dist/index.js';
import { type BenchResult, discardSink, percentile } from './types.js';

const CHILDREN = fileURLToPath(new URL('./gateway-children.ts', import.meta.url));
const AUTOCANNON = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));
type Mode = 'direct' | 'floor' | 'control' | 'offpath' | 'offpath-all' | 'offpath-dead';
const MODES: readonly Mode[] = ['direct', 'floor', 'control', 'offpath', 'offpath-all', 'offpath-dead'];

/** Starts a child and resolves with its first JSON line (and the child, for long-lived ones). */
function child(
  args: string[],
  command: string[] = ['--import', 'tsx', CHILDREN],
): Promise<{ line: unknown; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [...command, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    const lines = createInterface({ input: proc.stdout! });
    lines.once('line', (line) => resolve({ line: JSON.parse(line), proc }));
    proc.stdout!.on('data', (c) => (text += c));
    proc.once('exit', (code) => {
      if (code !== 0 && text === '') reject(new Error(`child ${args.join(' ')} exited with ${code}`));
    });
  });
}

/** Runs a child to completion and returns everything it printed on stdout, parsed as one JSON value. */
function runToEnd(args: string[], command?: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...(command ?? ['--import', 'tsx', CHILDREN]), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    proc.stdout.on('data', (c) => (text += c));
    proc.once('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`exit ${code}`))));
  });
}

const HOP = /^(?:connection|keep-alive|proxy-connection|te|trailer|transfer-encoding|upgrade)$/;
function withoutHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP.test(k)) out[k] = v;
  return out;
}

/** The floor: what a proxy built on undici alone costs (no tracing, no breaker, no watchdog). */
async function startFloor(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new Pool(target);
  const host = new URL(target).host;
  const server = http.createServer((req, res) => {
    const hasBody =
      req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    pool.stream(
      {
        path: req.url ?? '/',
        method: (req.method ?? 'GET') as 'GET',
        headers: { ...withoutHop(req.headers), host },
        body: hasBody ? req : null,
        opaque: res,
      },
      ({ statusCode, headers, opaque }) => {
        const out = opaque as http.ServerResponse;
        out.writeHead(statusCode, withoutHop(headers as IncomingHttpHeaders));
        return out;
      },
      (error) => {
        if (error) res.destroy();
      },
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await pool.close();
    },
  };
}

export async function run(
  seconds = Number(process.env['GATEWAY_SECONDS'] ?? 5),
  rounds = Number(process.env['GATEWAY_ROUNDS'] ?? 5),
  connections = Number(process.env['GATEWAY_CONNECTIONS'] ?? 16),
): Promise<BenchResult[]> {
  const upstream = await child(['upstream']);
  const blackhole = await child(['blackhole']);
  const target = `http://127.0.0.1:${(upstream.line as { port: number }).port}`;
  const deadUrl = `http://127.0.0.1:${(blackhole.line as { port: number }).port}`;

  const discarding = () =>
    createOffpath({
      destinations: [
        { name: 'discard', type: 'custom', sink: discardSink(), queue: { maxItems: 100_000 }, noise: false },
      ],
      limits: { intakeCapacity: 100_000 },
    });
  const live = discarding();
  const liveAll = discarding();
  const dead = createOffpath({
    destinations: [
      { name: 'collector', type: 'http', url: `${deadUrl}/ingest`, sendTimeoutMs: 30_000 },
      // Every trace to the dead chat too (a chat destination starts at warn): the worst case.
      {
        name: 'chat',
        type: 'discord',
        url: `${deadUrl}/api/webhooks/1/token`,
        minLevel: 'trace',
        sendTimeoutMs: 30_000,
      },
    ],
  });
  // Every exchange traced: the worst case for the request path (by default only failures are).
  const proxy = [{ target, capture: { status: ['1xx', '2xx', '3xx', '4xx', '5xx'] } }];
  const defaultGateway = await startGateway({ port: 0, proxies: [{ target }] }, live);
  const offpathGateway = await startGateway({ port: 0, proxies: proxy }, liveAll);
  const deadGateway = await startGateway({ port: 0, proxies: proxy }, dead);
  const floor = await startFloor(target);
  const urls: Record<Mode, string> = {
    direct: target,
    floor: floor.url,
    control: floor.url,
    offpath: defaultGateway.url,
    'offpath-all': offpathGateway.url,
    'offpath-dead': deadGateway.url,
  };

  const empty = (): Record<Mode, number[]> => ({
    direct: [],
    floor: [],
    control: [],
    offpath: [],
    'offpath-all': [],
    'offpath-dead': [],
  });
  const rps = empty();
  const latencies = empty();
  const cpu = empty();
  const instanceOf: Partial<Record<Mode, typeof live>> = {
    offpath: live,
    'offpath-all': liveAll,
    'offpath-dead': dead,
  };
  for (const mode of MODES) {
    // Warm-up: connections, JIT, the pipeline's first slices.
    await runToEnd(['-c', String(connections), '-d', '1', '-j', `${urls[mode]}/ok`], [AUTOCANNON]);
  }
  for (let round = 0; round < rounds; round++) {
    for (const mode of MODES) {
      // CPU time of this process (the proxies and their pipelines; the upstream and the load are
      // children) per request, the traces' processing included: robust to a busy machine.
      const cpuBefore = process.cpuUsage();
      const report = (await runToEnd(
        ['-c', String(connections), '-d', String(seconds), '-j', `${urls[mode]}/ok`],
        [AUTOCANNON],
      )) as { requests: { average: number; total: number }; non2xx: number; errors: number };
      await instanceOf[mode]?.flush({ timeoutMs: 1_000 });
      const used = process.cpuUsage(cpuBefore);
      if (report.non2xx > 0 || report.errors > 0)
        throw new Error(`${mode}: ${report.non2xx} non-2xx, ${report.errors} errors`);
      rps[mode].push(report.requests.average);
      cpu[mode].push((used.user + used.system) / report.requests.total);
    }
    for (const mode of MODES) {
      const { times } = (await runToEnd(['latency', `${urls[mode]}/ok`, '1000'])) as { times: number[] };
      latencies[mode].push(...times);
    }
  }

  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const sorted = (mode: Mode) => Float64Array.from(latencies[mode]).sort();
  const p = (mode: Mode, q: number) => percentile(sorted(mode), q);
  const rows: BenchResult[] = [];
  const r1 = (x: number) => Math.round(x * 10) / 10;
  for (const mode of MODES) {
    rows.push({
      name: `gateway ${mode}: requests/s (median of ${rounds} rounds, ${connections} connections)`,
      value: Math.round(median(rps[mode])),
      unit: 'req/s',
    });
    rows.push({
      name: `gateway ${mode}: latency p50 / p99 (one request at a time)`,
      value: Math.round(p(mode, 0.5)),
      unit: `µs / ${Math.round(p(mode, 0.99))} µs`,
    });
  }
  const labels = {
    control: 'control: the floor again (noise)',
    offpath: 'default tracing',
    'offpath-all': 'tracing every exchange',
    'offpath-dead': 'every exchange traced, every destination black-holed',
  } as const;
  for (const mode of ['floor', 'control', 'offpath', 'offpath-all', 'offpath-dead'] as const) {
    rows.push({
      name: `gateway ${mode}: proxy CPU per request (median of ${rounds} rounds)`,
      value: r1(median(cpu[mode])),
      unit: 'µs',
    });
  }
  for (const mode of ['control', 'offpath', 'offpath-all', 'offpath-dead'] as const) {
    const label = labels[mode];
    // The control is held to nothing: it shows how far two identical modes land apart in this run.
    const held = (name: string, value: number, unit: string, target: string, pass: boolean) =>
      rows.push({
        name: `gateway (${label}): ${name}`,
        value,
        unit,
        ...(mode === 'control' ? {} : { target, pass }),
      });
    const cpuOverFloor = median(cpu[mode]) / median(cpu.floor) - 1;
    held(
      'CPU per request over the undici-only floor',
      r1(cpuOverFloor * 100),
      '%',
      '< 10 %',
      cpuOverFloor < 0.1,
    );
    const overFloor = median(rps.floor) / median(rps[mode]) - 1;
    held('cost over the undici-only floor (throughput)', r1(overFloor * 100), '%', '< 10 %', overFloor < 0.1);
    const latencyOverFloor = p(mode, 0.5) / p('floor', 0.5) - 1;
    rows.push({
      name: `gateway (${label}): p50 latency over the floor`,
      value: r1(latencyOverFloor * 100),
      unit: '%',
    });
    if (mode === 'control') continue;
    const addedP50 = (p(mode, 0.5) - p('direct', 0.5)) / 1000;
    const addedP99 = (p(mode, 0.99) - p('direct', 0.99)) / 1000;
    const share = median(rps[mode]) / median(rps.direct);
    held('added latency p50', r1(addedP50 * 1000) / 1000, 'ms', '< 0.5 ms', addedP50 < 0.5);
    held('added latency p99', r1(addedP99 * 1000) / 1000, 'ms', '< 2 ms', addedP99 < 2);
    held('throughput vs direct', r1(share * 100), '%', '≥ 80 %', share >= 0.8);
  }
  rows.push({
    name: 'gateway offpath: exchanges traced (events accepted)',
    value: liveAll.stats().accepted,
    unit: 'events',
  });
  rows.push({
    name: 'gateway offpath-dead: events accepted / refused at intake',
    value: dead.stats().accepted,
    unit: `events / ${dead.stats().refused} refused`,
  });

  // SSE: 10,000 events, direct and through the gateway; the added latency of each event.
  const direct = (await runToEnd(['sse', `${target}/sse`])) as { latencies: number[]; exact: boolean };
  const proxied = (await runToEnd(['sse', `${offpathGateway.url}/sse`])) as {
    latencies: number[];
    exact: boolean;
  };
  const lp = (v: number[], q: number) => percentile(Float64Array.from(v).sort(), q);
  rows.push({
    name: 'gateway SSE: 10,000 events byte-exact through the gateway',
    value: proxied.exact && proxied.latencies.length === 10_000 ? 1 : 0,
    unit: '(1 = yes)',
    target: '1',
    pass: proxied.exact && proxied.latencies.length === 10_000,
  });
  const addedEvent = (lp(proxied.latencies, 0.99) - lp(direct.latencies, 0.99)) / 1000;
  rows.push({
    name: 'gateway SSE: per-event latency p50 direct / through the gateway',
    value: Math.round(lp(direct.latencies, 0.5)),
    unit: `µs / ${Math.round(lp(proxied.latencies, 0.5))} µs`,
  });
  rows.push({
    name: 'gateway SSE: added latency per event p99',
    value: r1(addedEvent * 1000) / 1000,
    unit: 'ms',
    target: '< 1 ms',
    pass: addedEvent < 1,
  });

  // Inactivity: a stream that stalls after its first event is cut at 500 ms; how late is the cut?
  const stallGateway = await startGateway({ port: 0, proxies: [{ target, inactivityTimeoutMs: 500 }] }, live);
  const lateness: number[] = [];
  let errorEvents = 0;
  for (let i = 0; i < 20; i++) {
    const { late, sawError } = await new Promise<{ late: number; sawError: boolean }>((resolve, reject) => {
      http
        .get(`${stallGateway.url}/stall`, (res) => {
          let first = 0;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            if (first === 0) first = performance.now();
            text += c;
          });
          res.on('end', () =>
            resolve({ late: performance.now() - first - 500, sawError: text.includes('event: error') }),
          );
        })
        .on('error', reject);
    });
    lateness.push(late);
    if (sawError) errorEvents++;
  }
  const sortedLate = Float64Array.from(lateness).sort();
  rows.push({
    name: 'gateway inactivity (500 ms, 20 stalled streams): cut late by p50 / max',
    value: r1(percentile(sortedLate, 0.5)),
    unit: `ms / ${r1(sortedLate[sortedLate.length - 1]!)} ms`,
    target: '± 100 ms',
    pass: sortedLate[0]! > -100 && sortedLate[sortedLate.length - 1]! < 100,
  });
  rows.push({
    name: 'gateway inactivity: streams ended with the error event',
    value: errorEvents,
    unit: 'of 20',
    target: '20',
    pass: errorEvents === 20,
  });
  await stallGateway.close({ timeoutMs: 1_000 });

  await defaultGateway.close({ timeoutMs: 1_000 });
  await offpathGateway.close({ timeoutMs: 1_000 });
  await deadGateway.close({ timeoutMs: 1_000 });
  await floor.close();
  await live.close({ timeoutMs: 5_000 });
  await liveAll.close({ timeoutMs: 5_000 });
  await dead.close({ timeoutMs: 1_000 });
  upstream.proc.kill();
  blackhole.proc.kill();
  return rows;
}
