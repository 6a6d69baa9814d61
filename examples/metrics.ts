/**
 * An instance's delivery numbers in the resilience kit's MetricsCollector (`offpath/resilience`): the
 * instance publishes the same events as the kit's primitives, so the collector attaches to it as it
 * does to their emitter. 1,000 events into a local collector emulator that fails 20 % of requests and
 * rate-limits 5 %.
 * Run: npx tsx examples/metrics.ts
 */
import { createOffpath } from '../src/index.js';
import { MetricsCollector } from '../src/resilience/index.js';
import { startCollectorEmulator } from '../src/testing/index.js';

const collector = await startCollectorEmulator();
collector.faults.setFaultMix({ fail: 0.2, rateLimit: 0.05, retryAfterSec: 0 });
const offpath = createOffpath({
  destinations: [
    {
      name: 'collector',
      type: 'http',
      url: `${collector.url}/ingest`,
      batch: { maxSize: 50, maxDelayMs: 5 },
    },
  ],
});
const metrics = new MetricsCollector().attach(offpath);

for (let i = 0; i < 1_000; i++) offpath.emit({ level: 'info', message: `order ${i} placed` });
await offpath.flush({ timeoutMs: 30_000 });

const s = metrics.snapshot();
process.stdout.write(
  `requests ${s.requests}, success rate ${(s.successRate * 100).toFixed(1)} %, ` +
    `mean latency ${s.latency.mean.toFixed(1)} ms, retries ${s.retries}, rate limited ${s.rateLimited}\n`,
);
metrics.detach();
await offpath.close();
await collector.close();
