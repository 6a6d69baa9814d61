/**
 * The whole pipeline with and without coordination, in the same run: events through `createOffpath`
 * to a destination that answers at once in messages of 10 (as Discord's embeds), its limits wide
 * enough never to refuse, so the figure is what asking Redis costs a lane. Also the scripts Redis ran
 * per message sent, from the server's own command stats (the goal is one).
 *
 * `PIPELINE_BASELINE=.baseline/dist/index.js` adds an earlier build's uncoordinated pipeline to the
 * same rounds, so what the coordination seams cost a single process is measured beside it.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Redis } from 'ioredis';
import { createOffpath } from '../dist/index.js';
import { type BenchResult, discardSink } from './types.js';

type CreateOffpath = typeof createOffpath;
const BASELINE = process.env['PIPELINE_BASELINE'];

const EVENTS = Number(process.env['COORDINATION_PIPELINE_EVENTS'] ?? 20_000);
const ROUNDS = Number(process.env['COORDINATION_PIPELINE_ROUNDS'] ?? 3);

interface PipelineRun {
  readonly eventsPerSecond: number;
  /** CPU time of the whole process per event, user + system: steadier than the rate on a busy machine. */
  readonly cpuUsPerEvent: number;
  readonly sends: number;
}

async function pipeline(
  redisUrl: string | undefined,
  round: number,
  create: CreateOffpath = createOffpath,
): Promise<PipelineRun> {
  let sends = 0;
  const base = discardSink();
  const sink = {
    ...base,
    maxBatchSize: 10,
    send: () => {
      sends++;
      return base.send();
    },
  };
  const offpath = create({
    destinations: [
      { name: 'bench', type: 'custom', sink, rateLimits: [{ limit: 1_000_000, intervalMs: 1_000 }] },
    ],
    ...(redisUrl === undefined
      ? {}
      : { coordination: { redis: { url: redisUrl, keyPrefix: `offpath-bench:${round}:` }, replicas: 1 } }),
  });
  const deadline = Date.now() + 5_000;
  while (redisUrl !== undefined && offpath.health().coordination?.state !== 'shared') {
    if (Date.now() > deadline) throw new Error('coordination bench: the instance did not join Redis');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < EVENTS; i++) offpath.emit({ level: 'info', message: `event ${i}` });
  const flushed = await offpath.flush({ timeoutMs: 120_000 });
  const seconds = (performance.now() - started) / 1_000;
  const used = process.cpuUsage(cpu);
  const delivered = offpath.stats().delivered;
  await offpath.close();
  if (!flushed.complete || delivered !== EVENTS) {
    throw new Error(`coordination bench: ${delivered} of ${EVENTS} events delivered`);
  }
  return { eventsPerSecond: EVENTS / seconds, cpuUsPerEvent: (used.user + used.system) / EVENTS, sends };
}

/** Runs both pipelines `ROUNDS` times, alternating; Redis at `redisUrl`, its counters read by `admin`. */
export async function runPipelines(
  redisUrl: string,
  scriptCalls: (admin: Redis) => Promise<number>,
  admin: Redis,
): Promise<BenchResult[]> {
  const baseline = BASELINE
    ? ((await import(pathToFileURL(resolve(BASELINE)).href)) as { createOffpath: CreateOffpath })
        .createOffpath
    : undefined;
  const rates = { with: [] as number[], without: [] as number[], baseline: [] as number[] };
  const cpu = { without: [] as number[], baseline: [] as number[] };
  let sends = 0;
  let scripts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    if (baseline) {
      const run = await pipeline(undefined, round, baseline);
      rates.baseline.push(run.eventsPerSecond);
      cpu.baseline.push(run.cpuUsPerEvent);
    }
    const alone = await pipeline(undefined, round);
    rates.without.push(alone.eventsPerSecond);
    cpu.without.push(alone.cpuUsPerEvent);
    const before = await scriptCalls(admin);
    const run = await pipeline(redisUrl, round);
    scripts += (await scriptCalls(admin)) - before;
    sends += run.sends;
    rates.with.push(run.eventsPerSecond);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const perSend = scripts / sends;
  return [
    {
      name: 'coordination: scripts Redis ran per message a coordinated lane sent (server stats)',
      value: Math.round(perSend * 1000) / 1000,
      unit: 'EVALSHA/EVAL',
      target: '1',
      pass: perSend <= 1.01,
    },
    {
      name: 'coordination: pipeline, events in messages of 10, with coordination',
      value: Math.round(median(rates.with)),
      unit: 'events/s',
    },
    {
      name: 'coordination: pipeline, events in messages of 10, without coordination',
      value: Math.round(median(rates.without)),
      unit: 'events/s',
    },
    {
      name: 'coordination: pipeline without coordination, CPU per event',
      value: Math.round(median(cpu.without) * 100) / 100,
      unit: 'µs',
    },
    ...(baseline
      ? [
          {
            name: 'coordination: pipeline without coordination, baseline build',
            value: Math.round(median(rates.baseline)),
            unit: 'events/s',
          },
          {
            name: 'coordination: pipeline without coordination, baseline build, CPU per event',
            value: Math.round(median(cpu.baseline) * 100) / 100,
            unit: 'µs',
          },
        ]
      : []),
  ];
}
