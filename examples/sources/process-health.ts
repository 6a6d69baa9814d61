/**
 * Process health and manual reports: event-loop lag, heap use, uncaught errors (observed, behaviour
 * unchanged), a caught error reported by hand and a slow operation timed.
 * Run: npx tsx examples/sources/process-health.ts
 */
import { createOffpath, processHealth } from '../../src/index.js';

const offpath = createOffpath({
  destinations: [{ name: 'console', type: 'console', style: 'expanded' }],
});

const stop = offpath.attach(
  processHealth({ eventLoopLagMs: 50, heapUsedBytes: 1_500_000_000, intervalMs: 200, uncaught: true }),
);

// Block the event loop for 300 ms once the monitor is running: the next look reports the lag.
await new Promise((resolve) => setTimeout(resolve, 250));
const until = Date.now() + 300;
while (Date.now() < until) {}
await new Promise((resolve) => setTimeout(resolve, 1_000));

try {
  JSON.parse('{ not json');
} catch (error) {
  offpath.report(error, { title: 'Bad settings file', fields: { file: 'settings.json' } });
}
await offpath.time('nightly export', () => new Promise((resolve) => setTimeout(resolve, 30)), {
  slowMs: 10,
});

stop();
console.log(await offpath.close());
