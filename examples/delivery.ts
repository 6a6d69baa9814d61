/**
 * Delivery settings of a destination against the local collector emulator: 20,000 events into a
 * collector that fails 30 % of requests, then an outage during which warnings go to a file.
 * Run: npx tsx examples/delivery.ts
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOffpath } from '../src/index.js';
import { startCollectorEmulator } from '../src/testing/index.js';

const collector = await startCollectorEmulator();
// 20 % answered 503, 5 % connections reset, 5 % answered 429 with Retry-After: 1.
collector.faults.setFaultMix({ fail: 0.2, reset: 0.05, rateLimit: 0.05, retryAfterSec: 1 });
const file = join(mkdtempSync(join(tmpdir(), 'offpath-example-')), 'fallback.ndjson');

const offpath = createOffpath({
  destinations: [
    {
      name: 'collector',
      type: 'http',
      url: `${collector.url}/ingest`,
      concurrency: 4, // requests in flight; 1 keeps batches in order
      batch: { maxSize: 500, maxBytes: 1_048_576 },
      retry: { maxAttempts: 6, initialDelayMs: 200, maxDelayMs: 5_000, jitter: 0.2 },
      retryBudget: { ratio: 0.5, minRetriesPerWindow: 10 },
      breaker: { failureThreshold: 5, recoveryTimeoutMs: 1_000 }, // probe an open circuit every second
      fallback: 'disk',
      fallbackOn: 'both', // while the circuit is open, and for what is dead-lettered
    },
    { name: 'disk', type: 'file', path: file, minLevel: 'warn' },
  ],
  routes: [{ destinations: ['collector'] }],
});

for (let i = 0; i < 20_000; i++) offpath.emit({ message: `order ${i} placed`, fields: { orderId: i } });
await offpath.flush({ timeoutMs: 60_000 });
const { collector: c } = offpath.stats().destinations;
console.log(
  `under faults: ${c?.delivered} of ${c?.accepted} delivered, ${collector.received.length} requests`,
);

collector.faults.setFaultMix({ fail: 1 }); // an outage
for (let i = 0; i < 50; i++) {
  offpath.emit({ level: 'warn', message: `payment ${i} slow` });
  await new Promise((resolve) => setTimeout(resolve, 20));
}
await offpath.flush({ timeoutMs: 5_000 });
const saved = readFileSync(file, 'utf8').trim().split('\n').length;
console.log(
  `during the outage: circuit ${offpath.stats().destinations['collector']?.circuit}, ${saved} warnings in ${file}`,
);
console.log(offpath.stats().destinations['collector']?.deadLetteredBy); // { circuit_open: … }

collector.faults.clear(); // back up: the next probe finds it within a second
await new Promise((resolve) => setTimeout(resolve, 1_500));
offpath.emit({ level: 'warn', message: 'recovered' });
await offpath.close();
console.log(`after recovery: circuit ${offpath.stats().destinations['collector']?.circuit}`);
await collector.close();
