/**
 * Self-monitoring checked against the bench's own measurements: a steady load (4,000 events/s in
 * ticks of 10 ms, for 20 s; BENCH_SECONDS shortens it) into one destination that accepts at once, then
 * what `stats().self` says beside what the bench measured independently over the same run.
 *
 * - emit() p50: the bench times every call with `process.hrtime.bigint()` and subtracts the clock's
 *   own cost (bench/clock-overhead.ts); offpath times one call in 64.
 * - events in / out per second: the bench counts accepted `emit()` calls and records the sink was
 *   handed, over the measured window.
 * - pipeline CPU ms per second: the process's CPU time (`process.cpuUsage()`, user + system) during
 *   the loaded run, minus the same loop's CPU time with a no-op in place of `emit()` (timers, clock
 *   reads, the runtime's idle cost), minus the bench-measured time spent inside `emit()` itself
 *   (offpath's work figure covers the pipeline, not the caller's `emit()` calls). What remains is the
 *   CPU the pipeline cost the process, including garbage collection and promise/timer plumbing that
 *   offpath's own stopwatch around its work cannot see.
 */
import { createOffpath, type OffpathEvent, type Sink } from '../dist/index.js';
import { clockOverheadNs } from './clock-overhead.js';
import { type BenchResult, percentile } from './types.js';

const TICK_MS = 10;
const WARM_UP_SECONDS = 2;

interface Drive {
  readonly accepted: number;
  /** ns per call, sorted. */
  readonly samples: Float64Array;
  /** Process CPU (user + system) in ms. */
  readonly cpuMs: number;
  readonly wallMs: number;
}

export async function run(
  seconds = Number(process.env['BENCH_SECONDS'] ?? 20),
  rate = 4_000,
): Promise<BenchResult[]> {
  const event: OffpathEvent = {
    level: 'info',
    message: 'order placed',
    fields: { orderId: 42, amount: 1999 },
  };
  const overheadNs = clockOverheadNs();
  const baselineSeconds = Math.max(3, Math.round(seconds / 2));
  const noop = (_event: OffpathEvent): boolean => true;
  await drive(noop, event, WARM_UP_SECONDS, rate);
  const baseline = await drive(noop, event, baselineSeconds, rate);

  let handed = 0;
  const sink: Sink<number> = {
    type: 'accept',
    maxBatchSize: 500,
    format: (batch) => [{ payload: batch.length, records: batch }],
    send: async (count) => {
      handed += count;
      return { ok: true };
    },
  };
  const offpath = createOffpath({ destinations: [{ name: 'accept', type: 'custom', sink }] });
  const emit = (e: OffpathEvent): boolean => offpath.emit(e);
  await drive(emit, event, WARM_UP_SECONDS, rate);
  const handedBefore = handed;
  const loaded = await drive(emit, event, seconds, rate);
  const self = offpath.stats().self;
  const out = handed - handedBefore;
  await offpath.close({ timeoutMs: 5_000 });

  const perSecond = (n: number, d: Drive): number => (n * 1000) / d.wallMs;
  const emitTotalMs = (d: Drive): number => {
    let total = 0;
    for (const ns of d.samples) total += Math.max(0, ns - overheadNs);
    return total / 1e6;
  };
  const pipelineCpu =
    perSecond(loaded.cpuMs, loaded) -
    perSecond(baseline.cpuMs, baseline) -
    (perSecond(emitTotalMs(loaded), loaded) - perSecond(emitTotalMs(baseline), baseline));
  const benchP50 = Math.max(0, percentile(loaded.samples, 0.5) - overheadNs) / 1000;
  const benchP99 = Math.max(0, percentile(loaded.samples, 0.99) - overheadNs) / 1000;
  return [
    ...compare('emit() p50', 'µs', self.emitUs.p50, benchP50),
    {
      name: 'selfmon: emit() p99, offpath / bench',
      value: self.emitUs.p99,
      unit: `µs / ${round(benchP99)} µs`,
    },
    { name: 'selfmon: emit() samples offpath kept', value: self.emitUs.samples, unit: 'samples' },
    ...compare('events in', 'events/s', self.eventsInPerSecond, perSecond(loaded.accepted, loaded)),
    ...compare('events out', 'events/s', self.eventsOutPerSecond, perSecond(out, loaded)),
    ...compare('pipeline CPU', 'ms/s', self.workMsPerSecond, pipelineCpu),
    {
      name: 'selfmon: process CPU, loaded / no-op loop',
      value: round(perSecond(loaded.cpuMs, loaded)),
      unit: `ms/s / ${round(perSecond(baseline.cpuMs, baseline))} ms/s`,
    },
    {
      name: 'selfmon: time inside emit() (bench)',
      value: round(perSecond(emitTotalMs(loaded), loaded)),
      unit: 'ms/s',
    },
    { name: 'selfmon: clock overhead subtracted', value: round(overheadNs / 1000), unit: 'µs' },
    {
      // A no-op timed in the same loop: what the bench's own span costs beyond the clock-read estimate.
      name: 'selfmon: no-op call in the same loop, p50',
      value: round(Math.max(0, percentile(baseline.samples, 0.5) - overheadNs) / 1000),
      unit: 'µs',
    },
    { name: 'selfmon: measured window', value: round(loaded.wallMs / 1000), unit: 's' },
  ];
}

/** The offpath figure, the bench figure and their relative difference, held to 20%. */
function compare(what: string, unit: string, reported: number, measured: number): BenchResult[] {
  const diff = measured === 0 ? (reported === 0 ? 0 : 1) : Math.abs(reported - measured) / measured;
  return [
    { name: `selfmon: ${what}, offpath reports`, value: round(reported), unit },
    { name: `selfmon: ${what}, bench measures`, value: round(measured), unit },
    {
      name: `selfmon: ${what}, difference`,
      value: round(diff * 100),
      unit: '%',
      target: 'within 20%',
      pass: diff <= 0.2,
    },
  ];
}

/** Emits `rate` events per second in ticks of TICK_MS for `seconds`, timing every call. */
async function drive(
  emit: (event: OffpathEvent) => boolean,
  event: OffpathEvent,
  seconds: number,
  rate: number,
): Promise<Drive> {
  const perTick = Math.round((rate * TICK_MS) / 1000);
  const samples = new Float64Array(Math.ceil(((seconds * 1000) / TICK_MS + 10) * perTick));
  let n = 0;
  let accepted = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (let i = 0; i < perTick && n < samples.length; i++) {
        const t0 = process.hrtime.bigint();
        const ok = emit(event);
        samples[n++] = Number(process.hrtime.bigint() - t0);
        if (ok) accepted++;
      }
      if (performance.now() - started >= seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const kept = samples.subarray(0, n);
  kept.sort();
  return { accepted, samples: kept, cpuMs: (cpu.user + cpu.system) / 1000, wallMs };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
