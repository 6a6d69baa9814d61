/**
 * Every destination black-holed (a server that accepts connections and never answers), 5,000 events/s
 * for 60 s: event-loop delay, heap growth and exceptions reaching the host.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createOffpath } from '../dist/index.js';
import type { BenchResult } from './types.js';

export async function run(
  seconds = Number(process.env['BENCH_SECONDS'] ?? 60),
  rate = 5_000,
): Promise<BenchResult[]> {
  const sockets = new Set<Socket>();
  const server = createServer(() => {});
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let hostErrors = 0;
  const onError = (): void => {
    hostErrors++;
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);

  const offpath = createOffpath({
    destinations: ['a', 'b', 'c'].map((name) => ({
      name,
      type: 'http' as const,
      url: `${url}/${name}`,
      sendTimeoutMs: 5_000,
    })),
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const tickMs = 10;
  const perTick = Math.round((rate * tickMs) / 1000);
  const started = Date.now();
  let emitted = 0;
  let maxSockets = 0;
  let maxOwnSockets = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        offpath.emit({
          level: 'error',
          kind: 'http',
          title: 'upstream failed',
          http: { request: { method: 'GET', url: 'https://api.example.com/x' }, response: { status: 503 } },
        });
        emitted++;
      }
      maxSockets = Math.max(maxSockets, sockets.size);
      // Both ends live in this process: the TCP sockets that are not the server's are offpath's.
      const tcp = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
      maxOwnSockets = Math.max(maxOwnSockets, tcp - sockets.size);
      if (Date.now() - started >= seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  delay.disable();
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const stats = offpath.stats();
  await offpath.close({ timeoutMs: 1_000 });
  process.off('uncaughtException', onError);
  process.off('unhandledRejection', onError);
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  const p99 = delay.percentile(99) / 1e6;
  const growthMb = (heapAfter - heapBefore) / 1024 / 1024;
  return [
    { name: `black-holed: events emitted in ${seconds} s`, value: emitted, unit: 'events' },
    {
      name: 'black-holed: event-loop delay p99',
      value: round(p99),
      unit: 'ms',
      target: '< 5 ms',
      pass: p99 < 5,
    },
    { name: 'black-holed: event-loop delay max', value: round(delay.max / 1e6), unit: 'ms' },
    {
      name: 'black-holed: heap growth',
      value: round(growthMb),
      unit: 'MB',
      target: '< 10 MB',
      pass: growthMb < 10,
    },
    { name: 'black-holed: sockets offpath held at most', value: maxOwnSockets, unit: 'sockets' },
    {
      // A server that never reads a request does not see the client close it until it reads again.
      name: 'black-holed: sockets the black hole still held open at most',
      value: maxSockets,
      unit: 'sockets',
    },
    {
      name: 'black-holed: exceptions reaching the host',
      value: hostErrors,
      unit: 'errors',
      target: '0',
      pass: hostErrors === 0,
    },
    {
      name: 'black-holed: dropped (queue full, by design)',
      value: stats.droppedBy.queue_full ?? 0,
      unit: 'deliveries',
    },
  ];
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
