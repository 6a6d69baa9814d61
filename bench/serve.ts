/**
 * `npm run bench -- serve`: ingest throughput of the relay against the ceiling of this machine, a bare
 * node:http server that only reads and parses the same JSON, measured side by side in the same run.
 * autocannon runs in a child process (it must not share the event loop it measures), posting batches
 * of 100 events over keep-alive connections to 127.0.0.1; the relay delivers to the collector emulator
 * running in another child (`offpath emulate collector`). Then: latency at 80 % of the sustainable rate,
 * and RSS under 2× overload (the relay must answer 429, not grow).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { validateConfig } from '../dist/index.js';
import { startRelay } from '../dist/relay/index.js';
import type { BenchResult } from './types.js';

const TOKEN = 'bench-token-0123456789abcdef';
const CONNECTIONS = 32;
const ROUNDS = 3;

interface Cannon {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly statusCounts: Record<string, number>;
}

/** Runs autocannon in a child process and parses its JSON report. */
function cannon(url: string, bodyFile: string, seconds: number, rate?: number): Promise<Cannon> {
  const args = [
    'node_modules/autocannon/autocannon.js',
    '-c',
    String(CONNECTIONS),
    '-d',
    String(seconds),
    '-m',
    'POST',
    '-i',
    bodyFile,
    '-H',
    'content-type=application/json',
    '-H',
    `authorization=Bearer ${TOKEN}`,
    '-j',
    '-n',
    ...(rate ? ['-R', String(rate)] : []),
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => {
      try {
        const r = JSON.parse(out) as {
          requests: { average: number };
          latency: { p50: number; p99: number };
          non2xx: number;
          statusCodeStats?: Record<string, { count: number }>;
        };
        const statusCounts: Record<string, number> = {};
        for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) statusCounts[k] = v.count;
        resolve({
          requestsPerSecond: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          non2xx: r.non2xx,
          statusCounts,
        });
      } catch (error) {
        reject(new Error(`autocannon exited ${code}: ${String(error)}\n${out.slice(0, 500)}`));
      }
    });
  });
}

/** The collector emulator in a child process (the CLI), resolved with its URL. */
function collectorChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['dist/cli/bin.js', 'emulate', 'collector', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (m) resolve({ child, url: m[1]! });
    });
  });
}

/** The ceiling: read the body, parse the JSON, answer 202 with a count. */
async function bareServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const events = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[];
      const body = JSON.stringify({ accepted: events.length, refused: 0, errors: [] });
      res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The relay under test: delivering to the collector in batches of 2,000, queues sized above maxPending. */
function relayConfig(
  collectorUrl: string,
  durable?: { spool: { path: string; durable: true }; dataDir: string },
) {
  return validateConfig({
    destinations: [
      {
        name: 'collector',
        type: 'http',
        url: `${collectorUrl}/ingest`,
        noise: false,
        batch: { maxSize: 2_000, maxDelayMs: 20 },
        queue: { maxItems: 100_000, maxBytes: 256 * 1024 * 1024 },
      },
    ],
    redact: false,
    limits: { intakeCapacity: 20_000, memoryBudgetBytes: 512 * 1024 * 1024 },
    ...(durable ? { spool: durable.spool } : {}),
    server: {
      port: 0,
      tokens: [TOKEN],
      maxPending: 50_000,
      status: false,
      ...(durable ? { dataDir: durable.dataDir } : {}),
    },
  });
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(seconds = Number(process.env['BENCH_SECONDS'] ?? 10)): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'offpath-bench-serve-'));
  const bodyFile = join(dir, 'batch.json');
  writeFileSync(
    bodyFile,
    JSON.stringify(
      Array.from({ length: 100 }, (_, i) => ({
        level: i % 10 === 0 ? 'warn' : 'info',
        title: 'checkout step',
        message: `bench event ${i}`,
        fields: { i, orderId: 1000 + i, user: 'u-42', ms: 12.5 },
        tags: ['bench'],
      })),
    ),
  );
  const collector = await collectorChild();
  const bare = await bareServer();
  const relay = await startRelay({ config: relayConfig(collector.url) });
  const relayUrl = `${relay.url}/v1/events`;
  const durable = await startRelay({
    config: relayConfig(collector.url, {
      spool: { path: join(dir, 'spool.db'), durable: true },
      dataDir: dir,
    }),
  });
  const results: BenchResult[] = [];
  try {
    const ceiling: Cannon[] = [];
    const served: Cannon[] = [];
    // CPU time of this process (the server under test) per event answered 2xx: less sensitive than
    // throughput to what else runs on the machine. The relay's figure includes delivering the events.
    const ceilingCpu: number[] = [];
    const relayCpu: number[] = [];
    const timed = async (target: string, into: number[]): Promise<Cannon> => {
      const before = process.cpuUsage();
      const c = await cannon(target, bodyFile, seconds);
      if (target === relayUrl) await relay.instance.flush({ timeoutMs: 30_000 });
      const used = process.cpuUsage(before);
      const events = (c.requestsPerSecond * seconds - c.non2xx) * 100;
      into.push((used.user + used.system) / Math.max(1, events));
      return c;
    };
    for (let r = 0; r < ROUNDS; r++) {
      ceiling.push(await timed(bare.url, ceilingCpu));
      served.push(await timed(relayUrl, relayCpu));
    }
    // Only answers 202 count: a 429 is a refusal, not throughput.
    const accepted = (c: Cannon): number => c.requestsPerSecond - c.non2xx / seconds;
    const ceilingRps = median(ceiling.map(accepted));
    const relayRps = median(served.map(accepted));
    const ratio = relayRps / ceilingRps;
    results.push(
      {
        name: 'serve: bare node:http + JSON.parse (ceiling)',
        value: Math.round(ceilingRps * 100),
        unit: 'events/s',
      },
      {
        name: 'serve: ceiling p50 / p99',
        value: median(ceiling.map((c) => c.p50)),
        unit: `ms / ${median(ceiling.map((c) => c.p99))} ms`,
      },
      {
        name: 'serve: relay ingest answered 202 (batches of 100, delivering)',
        value: Math.round(relayRps * 100),
        unit: 'events/s',
      },
      {
        name: 'serve: relay p50 / p99 at saturation',
        value: median(served.map((c) => c.p50)),
        unit: `ms / ${median(served.map((c) => c.p99))} ms`,
      },
      {
        name: 'serve: relay / ceiling',
        value: Math.round(ratio * 100),
        unit: '%',
        target: '>= 70 %',
        pass: ratio >= 0.7,
      },
      {
        name: 'serve: non-2xx at saturation (429 backpressure)',
        value: median(served.map((c) => c.non2xx)),
        unit: 'responses',
      },
      { name: 'serve: ceiling CPU per event', value: round2(median(ceilingCpu)), unit: 'µs' },
      { name: 'serve: relay CPU per event (ingest + delivery)', value: round2(median(relayCpu)), unit: 'µs' },
    );

    const durableRun = await cannon(`${durable.url}/v1/events`, bodyFile, seconds);
    await durable.instance.flush({ timeoutMs: 60_000 });
    results.push({
      name: 'serve: relay with the durable spool (202 after commit)',
      value: Math.round((durableRun.requestsPerSecond * seconds - durableRun.non2xx) / seconds) * 100,
      unit: `events/s (p50 ${durableRun.p50} ms, p99 ${durableRun.p99} ms)`,
    });

    // The sustainable rate: what the relay answered 202 to at saturation.
    const sustainable = relayRps;
    const steady = await cannon(relayUrl, bodyFile, seconds, Math.round(sustainable * 0.8));
    results.push({
      name: 'serve: p99 at 80 % of the sustainable rate',
      value: steady.p99,
      unit: `ms (p50 ${steady.p50} ms, ${Math.round(sustainable * 0.8 * 100)} events/s offered)`,
      target: '< 20 ms',
      pass: steady.p99 < 20,
    });
    await relay.instance.flush({ timeoutMs: 30_000 });

    // 2× overload: RSS must stay flat (the relay answers 429 instead of holding more).
    global.gc?.();
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 250);
    const overload = await cannon(relayUrl, bodyFile, seconds * 2, Math.round(sustainable * 2));
    clearInterval(sampler);
    // The queues fill to their bound early on; after that, memory must not keep growing.
    const quarter = Math.floor(rss.length / 4);
    const firstHalf = Math.max(...rss.slice(quarter, 2 * quarter));
    const secondHalf = Math.max(...rss.slice(3 * quarter));
    const growth = (secondHalf - firstHalf) / firstHalf;
    results.push(
      {
        name: 'serve: RSS under 2× overload (max of 2nd quarter → last quarter)',
        value: Math.round(firstHalf / 1_048_576),
        unit: `MB → ${Math.round(secondHalf / 1_048_576)} MB (${(growth * 100).toFixed(1)} %)`,
        target: 'flat (< 10 % growth)',
        pass: growth < 0.1,
      },
      {
        name: 'serve: 429 answers under 2× overload',
        value: overload.statusCounts['429'] ?? 0,
        unit: `of ${Object.values(overload.statusCounts).reduce((a, b) => a + b, 0)} requests`,
      },
    );
    const flushed = await relay.instance.flush({ timeoutMs: 60_000 });
    const stats = relay.instance.stats();
    results.push({
      name: 'serve: events lost (accepted but dropped or dead-lettered)',
      value: stats.dropped + stats.deadLettered,
      unit: `of ${stats.accepted} accepted (${flushed.complete ? 'all delivered' : `${flushed.pending} pending`})`,
      target: '0',
      pass: stats.dropped + stats.deadLettered === 0,
    });
  } finally {
    await relay.shutdown();
    await durable.shutdown();
    await bare.close();
    collector.child.kill('SIGTERM');
  }
  return results;
}
