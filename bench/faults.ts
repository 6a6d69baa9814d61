/**
 * Throughput under partial failure, in real time: the collector emulator answering 20 % of requests
 * 503, resetting 5 % of connections and answering 5 % `429 Retry-After: 1`, one HTTP destination at
 * its defaults. 20,000 events of about 200 bytes in one synchronous loop, then at 10,000/s, each run
 * beside the same load into a healthy collector (the floor); then a 60 s outage and its recovery.
 */
import { createOffpath, reconciles } from '../dist/index.js';
import { startCollectorEmulator } from '../dist/testing/index.js';
import { distinctDelivered, FAULT_MIX, orderEvent } from '../test/helpers/fault-mix.js';
import type { BenchResult } from './types.js';

const EVENTS = 20_000;

interface Run {
  readonly accepted: number;
  readonly delivered: number;
  readonly seconds: number;
  readonly requests: number;
  readonly reconciled: boolean;
  readonly distinctAtCollector: number;
}

/** Emits 20,000 events (all at once, or `perTick` every 10 ms) and waits until nothing is pending. */
async function load(faults: boolean, perTick: number | undefined): Promise<Run> {
  const collector = await startCollectorEmulator();
  if (faults) collector.faults.setFaultMix(FAULT_MIX);
  const offpath = createOffpath({ destinations: [{ name: 'c', type: 'http', url: collector.url }] });
  const started = Date.now();
  let accepted = 0;
  if (perTick === undefined) {
    for (let i = 0; i < EVENTS; i++) if (offpath.emit(orderEvent(i))) accepted++;
  } else {
    for (let i = 0; i < EVENTS; ) {
      const due = Math.min(EVENTS, Math.floor(((Date.now() - started) / 10 + 1) * perTick));
      for (; i < due; i++) if (offpath.emit(orderEvent(i))) accepted++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  await offpath.flush({ timeoutMs: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  const stats = offpath.stats();
  await offpath.close();
  await collector.close();
  return {
    accepted,
    delivered: stats.delivered,
    seconds,
    requests: collector.received.length,
    reconciled: reconciles(stats) && stats.pending === 0,
    distinctAtCollector: distinctDelivered(collector),
  };
}

function rows(label: string, faulty: Run, floor: Run): BenchResult[] {
  const share = faulty.delivered / EVENTS;
  return [
    {
      name: `${label}: accepted`,
      value: faulty.accepted,
      unit: 'events',
      target: `${EVENTS}`,
      pass: faulty.accepted === EVENTS,
    },
    {
      name: `${label}: delivered under the fault mix`,
      value: Math.round(share * 10_000) / 100,
      unit: '%',
      target: '≥ 99.9 %',
      pass: share >= 0.999 && faulty.distinctAtCollector === faulty.delivered,
    },
    {
      name: `${label}: ledger exact, nothing pending`,
      value: faulty.reconciled ? 1 : 0,
      unit: 'yes',
      target: '1',
      pass: faulty.reconciled,
    },
    { name: `${label}: time to deliver everything, fault mix`, value: faulty.seconds, unit: 's' },
    {
      name: `${label}: time to deliver everything, healthy collector (floor)`,
      value: floor.seconds,
      unit: 's',
    },
    {
      name: `${label}: requests, fault mix / healthy`,
      value: faulty.requests,
      unit: `requests (healthy: ${floor.requests})`,
    },
  ];
}

/** 100 events/s for 90 s; the collector answers 503 to everything from 10 s to 70 s. */
async function outage(): Promise<BenchResult[]> {
  const collector = await startCollectorEmulator();
  collector.faults.setFaultMix(FAULT_MIX);
  const offpath = createOffpath({ destinations: [{ name: 'c', type: 'http', url: collector.url }] });
  const started = Date.now();
  const recoveredAt = started + 70_000;
  let resumedAt: number | undefined;
  offpath.on('delivered', () => {
    if (resumedAt === undefined && Date.now() >= recoveredAt) resumedAt = Date.now();
  });
  let n = 0;
  let phase: 'before' | 'outage' | 'after' = 'before';
  while (Date.now() - started < 90_000) {
    const elapsed = Date.now() - started;
    if (phase === 'before' && elapsed >= 10_000) {
      collector.faults.setFaultMix({ fail: 1 });
      phase = 'outage';
    } else if (phase === 'outage' && elapsed >= 70_000) {
      collector.faults.setFaultMix(FAULT_MIX);
      phase = 'after';
    }
    for (const due = Math.floor(elapsed / 10); n < due; n++) offpath.emit(orderEvent(n));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await offpath.flush({ timeoutMs: 60_000 });
  const stats = offpath.stats();
  await offpath.close();
  await collector.close();
  const resumed = ((resumedAt ?? Number.POSITIVE_INFINITY) - recoveredAt) / 1000;
  const all = stats.delivered === n && reconciles(stats) && stats.pending === 0;
  return [
    {
      name: 'outage 60 s: delivery resumed after recovery',
      value: Math.round(resumed * 10) / 10,
      unit: 's',
      target: '≤ 10 s',
      pass: resumed <= 10,
    },
    {
      name: 'outage 60 s: accepted events delivered',
      value: stats.delivered,
      unit: `of ${n}`,
      target: `${n}`,
      pass: all,
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const burst = rows(
    '20,000 in one synchronous loop',
    await load(true, undefined),
    await load(false, undefined),
  );
  const paced = rows('20,000 at 10,000/s', await load(true, 100), await load(false, 100));
  return [...burst, ...paced, ...(await outage())];
}
