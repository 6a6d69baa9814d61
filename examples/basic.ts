/**
 * The smallest useful setup: errors to the console and everything to a JSON-lines file.
 * Run: npx tsx examples/basic.ts
 */
import { createOffpath } from '../src/index.js';

const offpath = createOffpath({
  service: 'example',
  destinations: [
    { name: 'console', type: 'console', style: 'expanded', minLevel: 'warn' },
    { name: 'file', type: 'file', path: 'offpath-example.ndjson' },
  ],
});

offpath.emit({ level: 'info', message: 'service started', fields: { pid: process.pid } });
offpath.emit({
  level: 'error',
  title: 'Charge failed',
  fields: { orderId: 42, card: '4111 1111 1111 1111' }, // redacted before it leaves the process
  http: {
    request: {
      method: 'POST',
      url: 'https://pay.example.com/v1/charge?api_key=sk_live_abcdefghijklmnop1234',
    },
    response: { status: 503, body: '{"error":"unavailable"}', durationMs: 812 },
  },
});

const result = await offpath.close();
console.log(result, offpath.stats().destinations);
