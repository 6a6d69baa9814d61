/**
 * What collector and file records cost beyond the record itself, off the hot path: the global id
 * (UUID version 7, beside the randomUUID it takes its random bits from and a plain counter), and
 * the origin stamp of the http destination's format step (beside stringifying the bare records).
 */
import { randomUUID } from 'node:crypto';
import { uuidV7 } from '../dist/core/random-id.js';
import { httpSink, normalizeEvent } from '../dist/index.js';
import type { BenchResult } from './types.js';

function timeNs(fn: () => unknown, runs: number): number {
  let sink: unknown;
  for (let i = 0; i < Math.min(runs, 20_000); i++) sink = fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) sink = fn();
  const ns = Number(process.hrtime.bigint() - started) / runs;
  if (sink === Symbol.for('never')) throw new Error('unreachable');
  return Math.round(ns * 10) / 10;
}

export async function run(): Promise<BenchResult[]> {
  const ids = 1_000_000;
  let n = 0;
  const now = Date.now();
  const counter = timeNs(() => ++n, ids);
  const v7 = timeNs(() => uuidV7(now), ids);
  const v4 = timeNs(() => randomUUID(), ids);

  const batch = Array.from({ length: 500 }, (_, i) =>
    normalizeEvent(
      {
        level: 'error',
        message: `provider answered 503 for order A-${i}`,
        fields: { orderId: i, attempt: 3 },
        http: {
          request: { method: 'POST', url: 'https://api.example.com/v1/charges' },
          response: { status: 503, durationMs: 81.2345678 },
        },
      },
      { id: i + 1, receivedAt: now },
    ),
  );
  const sink = httpSink({
    url: 'http://127.0.0.1:9/ingest',
    format: 'ndjson',
    origin: { service: 'checkout', environment: 'production', release: '1.4.2', host: 'web-7' },
  });
  const batches = 400;
  const bare = timeNs(() => `${batch.map((r) => JSON.stringify(r)).join('\n')}\n`, batches) / batch.length;
  const stamped = timeNs(() => sink.format(batch), batches) / batch.length;
  await sink.close?.();
  const round = (ns: number) => Math.round(ns * 10) / 10;
  return [
    { name: 'record id: counter (per id)', value: counter, unit: 'ns' },
    { name: 'record id: uuidV7, time + randomUUID bits (per id)', value: v7, unit: 'ns' },
    { name: 'record id: crypto.randomUUID v4 (per id)', value: v4, unit: 'ns' },
    { name: 'ndjson body: bare records (per record)', value: round(bare), unit: 'ns' },
    { name: 'ndjson body: stamped collector records (per record)', value: round(stamped), unit: 'ns' },
  ];
}
