/**
 * The whole pipeline with and without coordination, in the same run: events through `createOffpath`
 * to a destination that answers at once in messages of 10 (as Discord's embeds), its limits wide
 * enough never to refuse, so the figure is what asking Redis costs a lane. Also the scripts Redis ran
 * per message sent, from the server's own command stats (the goal is one).
 */
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { createOffpath } from '../dist/index.js';
import { type BenchResult, discardSink } from './types.js';

const EVENTS = Number(process.env['COORDINATION_PIPELINE_EVENTS'] ?? 20_000);
const ROUNDS = 3;

interface PipelineRun {
  readonly eventsPerSecond: number;
  readonly sends: number;
}

async function pipeline(redisUrl: string | undefined, round: number): Promise<PipelineRun> {
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
  const offpath = createOffpath({
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
  for (let i = 0; i < EVENTS; i++) offpath.emit({ level: 'info', message: `event ${i}` });
  const flushed = await offpath.flush({ timeoutMs: 120_000 });
  const seconds = (performance.now() - started) / 1_000;
  const delivered = offpath.stats().delivered;
  await offpath.close();
  if (!flushed.complete || delivered !== EVENTS) {
    throw new Error(`coordination bench: ${delivered} of ${EVENTS} events delivered`);
  }
  return { eventsPerSecond: EVENTS / seconds, sends };
}

/** Runs both pipelines `ROUNDS` times, alternating; Redis at `redisUrl`, its counters read by `admin`. */
export async function runPipelines(
  redisUrl: string,
  scriptCalls: (admin: Redis) => Promise<number>,
  admin: Redis,
): Promise<BenchResult[]> {
  const rates = { with: [] as number[], without: [] as number[] };
  let sends = 0;
  let scripts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    rates.without.push((await pipeline(undefined, round)).eventsPerSecond);
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
  ];
}
