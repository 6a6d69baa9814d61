/**
 * An instance's delivery numbers in the resilience kit's MetricsCollector: 1,000 events into a local
 * collector emulator that fails 20 % of requests and rate-limits 5 %.
 * Run: npx tsx examples/metrics.ts
 */
import { createOffpath, feedMetrics, MetricsCollector } from '../src/index.js';
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
const metrics = new MetricsCollector();
const stop = feedMetrics(metrics, offpath);

for (let i = 0; i < 1_000; i++) offpath.emit({ level: 'info', message: `order ${i} placed` });
await offpath.flush({ timeoutMs: 30_000 });

const s = metrics.snapshot();
process.stdout.write(
  `requests ${s.requests}, success rate ${(s.successRate * 100).toFixed(1)} %, ` +
    `mean latency ${s.latency.mean.toFixed(1)} ms, retries ${s.retries}, rate limited ${s.rateLimited}\n`,
);
stop();
await offpath.close();
await collector.close();
