/** Times `emit()` call by call, the way bench/emit.ts reports it; shared by the suites that measure emit(). */
import { clockOverheadNs } from './clock-overhead.js';
import { type BenchResult, percentile } from './types.js';

interface Emitter {
  emit(event: unknown): boolean;
  flush(options: { timeoutMs: number }): Promise<unknown>;
}

/** emit() cost in µs with the cost of reading the clock subtracted, and how many calls were refused. */
export interface EmitCost {
  readonly medianUs: number;
  readonly p99Us: number;
  readonly overheadUs: number;
  readonly refused: number;
}

/**
 * Warms up, then times `events` calls in rounds of 5,000 with the pipeline drained between rounds, as
 * a host's event loop would between requests.
 */
export async function measureEmit(offpath: Emitter, event: unknown, events: number): Promise<EmitCost> {
  const samples = new Float64Array(events);
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
    await offpath.flush({ timeoutMs: 30_000 });
  }
  samples.sort();
  const overhead = clockOverheadNs();
  return {
    medianUs: round3((percentile(samples, 0.5) - overhead) / 1000),
    p99Us: round3((percentile(samples, 0.99) - overhead) / 1000),
    overheadUs: round3(overhead / 1000),
    refused,
  };
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** The emit() rows every suite reports the same way, under a label such as `emit()`. */
export function emitCostRows(label: string, cost: EmitCost, events: number): BenchResult[] {
  return [
    { name: `${label} median`, value: cost.medianUs, unit: 'µs', target: '< 1 µs', pass: cost.medianUs < 1 },
    { name: `${label} p99`, value: cost.p99Us, unit: 'µs', target: '< 5 µs', pass: cost.p99Us < 5 },
    { name: `${label} timer overhead subtracted`, value: cost.overheadUs, unit: 'µs' },
    { name: `${label} events measured`, value: events, unit: 'events' },
    { name: `${label} refused`, value: cost.refused, unit: 'events', target: '0', pass: cost.refused === 0 },
  ];
}
