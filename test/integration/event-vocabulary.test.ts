/**
 * One event vocabulary: the names the resilience primitives, an instance and the gateway share carry
 * the same fields wherever they are emitted, checked by the compiler and on real emissions.
 */
import { describe, expect, it } from 'vitest';
import { createOffpath, type Offpath } from '../../src/instance/create-offpath.js';
import type { OffpathEvents } from '../../src/pipeline/events.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { ServerError } from '../../src/resilience/errors.js';
import { RateLimiter } from '../../src/resilience/rate-limiter.js';
import type { ResilienceEventSource, ResilienceEvents } from '../../src/resilience/resilience-events.js';
import { RetryPolicy } from '../../src/resilience/retry-policy.js';
import { TypedEmitter } from '../../src/resilience/typed-emitter.js';
import { startCollectorEmulator } from '../../src/testing/index.js';
import { onCleanup, track } from '../helpers/cleanups.js';
import { gateway, send, upstream } from '../helpers/gateway-harness.js';

type Shared = keyof ResilienceEvents;

/** Every field of the vocabulary, by name; the compiler checks the list against the types. */
const FIELDS = {
  'request-start': ['destination', 'requestId', 'attempt'],
  'request-success': ['destination', 'requestId', 'attempt', 'latencyMs'],
  'request-failure': ['destination', 'requestId', 'attempt', 'latencyMs', 'error'],
  retry: ['destination', 'requestId', 'attempt', 'delayMs', 'error'],
  'rate-limited': ['destination', 'requestId', 'waitMs', 'source', 'proxy'],
  'circuit-state': ['destination', 'from', 'to', 'at'],
} as const satisfies { readonly [K in Shared]: ReadonlyArray<keyof ResilienceEvents[K]> };

// Type level. `true` only compiles when the condition holds for every shared name.
type Every<T extends Record<Shared, boolean>> = T[Shared] extends true ? true : false;
const listsEveryField: Every<{
  [K in Shared]: [Exclude<keyof ResilienceEvents[K], (typeof FIELDS)[K][number]>] extends [never]
    ? true
    : false;
}> = true;
const instanceHasEveryName: Shared extends keyof OffpathEvents ? true : false = true;
// An instance's payload is a vocabulary payload (narrower: `destination` always set, errors typed)...
const instancePayloadsFit: Every<{
  [K in Shared]: OffpathEvents[K] extends ResilienceEvents[K] ? true : false;
}> = true;
// ...it names no field the vocabulary lacks (no `target` beside `destination`)...
const instanceAddsNoField: Every<{
  [K in Shared]: [Exclude<keyof OffpathEvents[K], keyof ResilienceEvents[K]>] extends [never] ? true : false;
}> = true;
// ...and lacks none but `requestId`, which its batch deliveries do not have (they are not requests).
const instanceLacksOnlyRequestId: Every<{
  [K in Shared]: [Exclude<keyof ResilienceEvents[K], keyof OffpathEvents[K]>] extends [never | 'requestId']
    ? true
    : false;
}> = true;
// An instance is a source the kit's collector attaches to, typed.
const instanceIsASource: Offpath extends ResilienceEventSource ? true : false = true;

type Seen = Partial<Record<Shared, Array<Record<string, unknown>>>>;

function recorder(source: ResilienceEventSource): Seen {
  const seen: Seen = {};
  for (const name of Object.keys(FIELDS) as Shared[]) {
    const payloads: Array<Record<string, unknown>> = [];
    seen[name] = payloads;
    source.on(name, (payload) => payloads.push(payload as Record<string, unknown>));
  }
  return seen;
}

/** Each shared name was emitted at least once. */
function expectEveryName(seen: Seen): void {
  const silent = Object.entries(seen).filter(([, payloads]) => payloads.length === 0);
  expect(silent.map(([name]) => name)).toEqual([]);
}

/** Every payload seen uses only vocabulary fields, and names its destination `destination`. */
function expectVocabulary(seen: Seen, destination: string): void {
  for (const [name, payloads] of Object.entries(seen) as Array<[Shared, Array<Record<string, unknown>>]>) {
    for (const p of payloads) {
      const allowed: readonly string[] = FIELDS[name];
      expect(
        Object.keys(p).filter((k) => !allowed.includes(k)),
        name,
      ).toEqual([]);
      expect(p['destination'], name).toBe(destination);
    }
  }
}

describe('the shared event vocabulary', () => {
  it('holds at the type level', () => {
    expect([
      listsEveryField,
      instanceHasEveryName,
      instancePayloadsFit,
      instanceAddsNoField,
      instanceLacksOnlyRequestId,
      instanceIsASource,
    ]).toEqual([true, true, true, true, true, true]);
  });

  it('the primitives publish every shared name with the vocabulary fields, requestId included', async () => {
    const events = new TypedEmitter<ResilienceEvents>();
    const seen = recorder(events);
    const policy = new RetryPolicy({ events, destination: 'api', initialDelayMs: 1, jitter: 'none' });
    await policy.execute(
      async ({ attempt }) => {
        if (attempt === 1) throw new ServerError('503', { retryAfterMs: 5 });
        return 'ok';
      },
      { requestId: 'req-7' },
    );
    const limiter = new RateLimiter({ limits: [{ limit: 1, intervalMs: 5 }], events, destination: 'api' });
    await limiter.execute(async () => 1);
    await limiter.execute(async () => 2);
    const breaker = new CircuitBreaker({ failureThreshold: 1, events, destination: 'api' });
    await breaker.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);

    expectEveryName(seen);
    expectVocabulary(seen, 'api');
    for (const name of ['request-start', 'request-success', 'request-failure', 'retry'] as const) {
      expect(
        seen[name]?.every((p) => p['requestId'] === 'req-7'),
        name,
      ).toBe(true);
    }
    expect(seen['rate-limited']?.map((p) => [p['source'], p['requestId']])).toEqual([
      ['retry-after', 'req-7'],
      ['proactive', undefined],
    ]);
  });

  it("an instance's deliveries publish the same fields, naming the destination", async () => {
    const collector = await track(startCollectorEmulator());
    const offpath = createOffpath({
      destinations: [
        {
          name: 'c',
          type: 'http',
          url: collector.url,
          concurrency: 1,
          retry: { initialDelayMs: 5, maxDelayMs: 10 },
          breaker: { failureThreshold: 1, recoveryTimeoutMs: 20 },
          batch: { maxDelayMs: 5 },
        },
      ],
    });
    onCleanup(() => offpath.close({ timeoutMs: 1_000 }));
    const seen = recorder(offpath);
    collector.faults.rateLimitNext(1, 0);
    collector.faults.failNext(1, 503);
    offpath.emit({ message: 'order placed' });
    expect((await offpath.flush({ timeoutMs: 5_000 })).complete).toBe(true);

    expectEveryName(seen);
    expectVocabulary(seen, 'c');
  });

  it("the gateway's rate-limited event carries the request's id and the proxy", async () => {
    const api = await upstream((_req, res) => res.writeHead(429, { 'retry-after': '7' }).end());
    const { offpath, url } = await gateway([
      { path: '/api', target: api.url, name: 'api', retry: 'noRetry' },
    ]);
    const seen = recorder(offpath);
    const reply = await send(`${url}/api/x`);
    expect(reply.status).toBe(429);

    // (The trace it emits is then delivered to `mem`, whose own request events name `mem`.)
    expectVocabulary({ 'rate-limited': seen['rate-limited'] ?? [] }, 'api');
    expect(seen['rate-limited']).toEqual([
      {
        destination: 'api',
        proxy: 'api',
        requestId: expect.any(String),
        waitMs: 7_000,
        source: 'retry-after',
      },
    ]);
  });
});
