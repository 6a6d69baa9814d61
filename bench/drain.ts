/**
 * Drain rate into a rate-limited destination: a collector that allows 10 requests per second and
 * answers 429 beyond; a backlog of 5,000 events. Measures events/s, how much of the allowed request
 * rate was used, and how many 429s the pacing let through.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOffpath } from '../dist/index.js';
import type { BenchResult } from './types.js';

export async function run(events = 5_000): Promise<BenchResult[]> {
  const limit = 10;
  const windowMs = 1_000;
  const accepted: number[] = [];
  let limited = 0;
  let stored = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      while (accepted.length > 0 && accepted[0]! <= now - windowMs) accepted.shift();
      if (accepted.length >= limit) {
        limited++;
        res.writeHead(429, { 'retry-after': '1' }).end();
        return;
      }
      accepted.push(now);
      stored += JSON.parse(Buffer.concat(chunks).toString()).length;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const offpath = createOffpath({
    destinations: [
      {
        name: 'limited',
        type: 'http',
        url,
        rateLimits: [{ limit, intervalMs: windowMs }],
        batch: { maxSize: 50, maxDelayMs: 100 },
        queue: { maxItems: events },
      },
    ],
    limits: { intakeCapacity: events },
  });
  const starts: number[] = [];
  offpath.on('request-start', () => starts.push(Date.now()));
  for (let i = 0; i < events; i++) offpath.emit({ message: `event ${i}` });
  const started = Date.now();
  await offpath.flush({ timeoutMs: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  await offpath.close();
  await new Promise<void>((r) => server.close(() => r()));
  // Steady state: the requests after the first window's burst, over the time they took, against the
  // allowed rate. (Counting whole windows instead swings by a window's worth at the run's edges.)
  const span = (starts.at(-1)! - starts[0]!) / 1000;
  const used = (starts.length - limit) / span / (limit / (windowMs / 1000));
  return [
    {
      name: 'drain: events delivered',
      value: stored,
      unit: 'events',
      target: `${events}`,
      pass: stored === events,
    },
    { name: 'drain: events per second', value: Math.round(stored / seconds), unit: 'events/s' },
    {
      name: 'drain: share of the allowed request rate used',
      value: Math.round(used * 1000) / 10,
      unit: '%',
      target: '≥ 95 %',
      pass: used >= 0.95,
    },
    { name: 'drain: 429 responses', value: limited, unit: 'responses', target: '0', pass: limited === 0 },
  ];
}
