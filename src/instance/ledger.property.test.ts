import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SendResult } from '../core/sink.js';
import { reconciles } from '../pipeline/ledger.js';
import {
  BadRequestError,
  DestinationGoneError,
  NetworkError,
  RateLimitedError,
  ServerError,
} from '../resilience/errors.js';
import { memorySink } from '../sinks/memory-sink.js';
import { ManualClock } from '../testing/manual-clock.js';
import { createOffpath } from './create-offpath.js';

type Fault = 'ok' | 'slow' | '5xx' | '429' | 'reset' | 'throw' | 'hang' | 'garbage' | 'rejected' | 'gone';

const faultArb = fc.constantFrom<Fault>(
  'ok',
  'ok',
  'ok',
  'slow',
  '5xx',
  '429',
  'reset',
  'throw',
  'hang',
  'garbage',
  'rejected',
  'gone',
);

function respond(fault: Fault, clock: ManualClock): SendResult | Promise<SendResult> {
  switch (fault) {
    case 'ok':
      return { ok: true };
    case 'slow':
      return new Promise((resolve) => clock.setTimeout(() => resolve({ ok: true }), 700));
    case '5xx':
      return { ok: false, kind: 'retryable', error: new ServerError('HTTP 503', { statusCode: 503 }) };
    case '429':
      return { ok: false, kind: 'retryable', error: new RateLimitedError('HTTP 429'), retryAfterMs: 1_500 };
    case 'reset':
      return { ok: false, kind: 'retryable', error: new NetworkError('ECONNRESET') };
    case 'throw':
      throw new Error('sink exploded');
    case 'hang':
      return new Promise<SendResult>(() => {});
    case 'garbage':
      return { nonsense: true } as unknown as SendResult;
    case 'rejected':
      return { ok: false, kind: 'permanent', error: new BadRequestError('HTTP 400') };
    case 'gone':
      return { ok: false, kind: 'gone', error: new DestinationGoneError('HTTP 404') };
  }
}

describe('the ledger', () => {
  it('reconciles exactly under random events, faults, close deadlines, several sends in flight and fallbacks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            level: fc.constantFrom('debug', 'info', 'warn', 'error', 'critical'),
            gapMs: fc.integer({ min: 0, max: 300 }),
          }),
          { minLength: 1, maxLength: 120 },
        ),
        fc.array(faultArb, { minLength: 1, maxLength: 40 }),
        fc.array(faultArb, { minLength: 1, maxLength: 40 }),
        fc.array(faultArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom('both', 'circuit-open', 'dead-letter'),
        fc.integer({ min: 1, max: 4 }),
        async (events, faultsA, faultsB, faultsC, closeDeadline, queueMax, fallbackOn, concurrency) => {
          const clock = new ManualClock(0);
          const sinks = [
            memorySink({ maxBatchSize: 5, concurrency }),
            memorySink({ maxBatchSize: 3 }),
            memorySink({ maxBatchSize: 4 }),
          ];
          const scripts = [faultsA, faultsB, faultsC];
          sinks.forEach((sink, i) => {
            let n = 0;
            sink.respondWith(() => respond(scripts[i]![n++ % scripts[i]!.length]!, clock));
          });
          const offpath = createOffpath(
            {
              destinations: [
                {
                  name: 'a',
                  type: 'custom',
                  sink: sinks[0]!,
                  queue: { maxItems: queueMax },
                  sendTimeoutMs: 2_000,
                  batch: { maxDelayMs: 100 },
                  retry: { maxAttempts: 3, initialDelayMs: 100 },
                  breaker: { failureThreshold: 2 },
                  fallback: 'c',
                  fallbackOn,
                },
                {
                  name: 'b',
                  type: 'custom',
                  sink: sinks[1]!,
                  minLevel: 'warn',
                  sendTimeoutMs: 1_000,
                  rateLimits: [{ limit: 2, intervalMs: 1_000 }],
                  fallback: 'c',
                },
                {
                  name: 'c',
                  type: 'custom',
                  sink: sinks[2]!,
                  minLevel: 'info',
                  sendTimeoutMs: 1_500,
                  batch: { maxDelayMs: 50 },
                  breaker: { failureThreshold: 3 },
                },
              ],
              limits: { intakeCapacity: 64 },
            },
            { clock },
          );
          const check = () => {
            const s = offpath.stats();
            expect(reconciles(s), JSON.stringify(s)).toBe(true);
            for (const d of Object.values(s.destinations)) {
              expect(reconciles(d), JSON.stringify(d)).toBe(true);
              expect(d.memoryBytes).toBeGreaterThanOrEqual(0);
            }
          };
          for (const e of events) {
            offpath.emit({ level: e.level as 'info', message: 'x' });
            await clock.advanceAsync(e.gapMs);
            check();
          }
          let closed = false;
          const closing = offpath.close({ timeoutMs: closeDeadline }).then((r) => {
            closed = true;
            return r;
          });
          for (let i = 0; i < 200 && !closed; i++) await clock.advanceAsync(250);
          const result = await closing;
          check();
          const s = offpath.stats();
          expect(s.pending).toBe(0);
          expect(s.memoryBytes).toBe(0);
          expect(result.pending).toBe(0);
          expect(s.emitted + s.refused).toBe(events.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});
