/**
 * Strict durable mode and bounded dead letters, against a local collector emulator.
 * Run: npx tsx examples/durable-spool.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOffpath } from '../src/index.js';
import { startCollectorEmulator } from '../src/testing/index.js';

const collector = await startCollectorEmulator();
const offpath = createOffpath({
  destinations: [{ name: 'collector', type: 'http', url: collector.url }],
  spool: {
    path: join(mkdtempSync(join(tmpdir(), 'offpath-example-')), 'spool.db'),
    // emit() returns only once the event, normalised and redacted, is in the operating system:
    // a kill -9 right after it loses nothing. Costs a few microseconds per emit() (docs/SPOOL.md).
    durable: 'sync',
    // Dead letters are kept for a day and take at most 16 MiB; what these bounds evict is counted.
    deadLetters: { ttlMs: 24 * 3_600_000, maxBytes: 16 * 1024 * 1024 },
  },
});
offpath.on('dead-letters-evicted', (e) =>
  console.log(`evicted ${e.count} dead letter(s) of ${e.destination}: ${e.reason}`),
);

const accepted = offpath.emit({
  level: 'error',
  title: 'Payment failed',
  fields: { orderId: 42, card: '4111 1111 1111 1111' },
});
const { journal } = offpath.stats().spool ?? {};
console.log(
  `accepted: ${accepted}; in the emit journal already: ${journal?.appended} entry, ${journal?.bytes} bytes`,
);

await offpath.close();
console.log('the collector received:', JSON.stringify(collector.items()[0]));
console.log('spool:', JSON.stringify(offpath.stats().spool?.deadLetters));
await collector.close();
