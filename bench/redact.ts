/** Redaction and normalisation cost per event, off the hot path (in the pipeline's slices). */
import { createRedactor, normalizeEvent } from '../dist/index.js';
import type { BenchResult } from './types.js';

function timeUs(fn: () => void, runs: number): number {
  for (let i = 0; i < Math.min(runs, 2_000); i++) fn();
  const started = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return ((performance.now() - started) * 1000) / runs;
}

export async function run(): Promise<BenchResult[]> {
  const redactor = createRedactor();
  const exchange = {
    level: 'error',
    title: 'Payment failed',
    message: 'provider answered 503 for order A-10442',
    fields: { orderId: 'A-10442', customer: 'jane.doe@example.com', attempt: 3 },
    http: {
      request: {
        method: 'POST',
        url: 'https://api.pay.example.com/v1/charges?api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc&currency=eur',
        headers: {
          authorization: 'Bearer abcdef123456',
          'content-type': 'application/json',
          'user-agent': 'app/1.0',
        },
        body: { amount: 1999, card: '4242 4242 4242 4242', customer: { email: 'jane.doe@example.com' } },
      },
      response: {
        status: 503,
        durationMs: 812,
        headers: { 'retry-after': '30' },
        body: '{"error":"provider_unavailable"}',
      },
    },
  };
  const record = normalizeEvent(exchange, { id: 1, receivedAt: Date.now() });
  const big = `${'lorem ipsum dolor sit amet, '.repeat(560)} token=abc123 bob@example.com`;
  const normalizeUs = timeUs(() => normalizeEvent(exchange, { id: 1, receivedAt: 0 }), 20_000);
  const redactUs = timeUs(() => redactor.record(record), 20_000);
  const bigUs = timeUs(() => redactor.text(big), 2_000);
  return [
    { name: 'normalise a typical HTTP exchange event', value: round(normalizeUs), unit: 'µs' },
    { name: 'redact a typical HTTP exchange event', value: round(redactUs), unit: 'µs' },
    { name: 'redact a 16 KB text', value: round(bigUs), unit: 'µs' },
  ];
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
