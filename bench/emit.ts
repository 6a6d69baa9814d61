/** emit() cost on the caller's stack, over at least 1,000,000 events. */
import { createOffpath } from '../dist/index.js';
import { clockOverheadNs } from './clock-overhead.js';
import { type BenchResult, discardSink, percentile } from './types.js';

export async function run(events = 1_000_000): Promise<BenchResult[]> {
  const offpath = createOffpath({
    destinations: [{ name: 'discard', type: 'custom', sink: discardSink() }],
    limits: { intakeCapacity: 20_000 },
  });
  const samples = new Float64Array(events);
  const event = { level: 'info' as const, message: 'order placed', fields: { orderId: 42, amount: 1999 } };
  const round = 5_000;
  let refused = 0;
  // Warm up the JIT before measuring.
  for (let i = 0; i < 50_000; i++) offpath.emit(event);
  await offpath.flush({ timeoutMs: 30_000 });
  for (let done = 0; done < events; done += round) {
    for (let i = done; i < done + round && i < events; i++) {
      const t0 = process.hrtime.bigint();
      const accepted = offpath.emit(event);
      samples[i] = Number(process.hrtime.bigint() - t0);
      if (!accepted) refused++;
    }
    // Let the pipeline drain between rounds, as a host's event loop would between requests.
    await offpath.flush({ timeoutMs: 30_000 });
  }
  await offpath.close({ timeoutMs: 30_000 });
  // The cost of reading the clock twice, measured the same way, so the reported cost is the emit's own.
  const overhead = clockOverheadNs();
  samples.sort();
  const median = (percentile(samples, 0.5) - overhead) / 1000;
  const p99 = (percentile(samples, 0.99) - overhead) / 1000;
  return [
    { name: 'emit() median', value: round2(median), unit: 'µs', target: '< 1 µs', pass: median < 1 },
    { name: 'emit() p99', value: round2(p99), unit: 'µs', target: '< 5 µs', pass: p99 < 5 },
    { name: 'emit() timer overhead subtracted', value: round2(overhead / 1000), unit: 'µs' },
    { name: 'emit() events measured', value: events, unit: 'events' },
    {
      name: 'emit() refused (intake full)',
      value: refused,
      unit: 'events',
      target: '0',
      pass: refused === 0,
    },
  ];
}

function round2(v: number): number {
  return Math.round(v * 1000) / 1000;
}
