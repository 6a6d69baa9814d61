/**
 * Process health as events: event-loop lag and heap use over a threshold (sampled on an unref'd
 * timer, with a cooldown so a long problem is one event a minute, not a flood), and, opt-in, uncaught
 * exceptions and unhandled rejections. Those are observed through `uncaughtExceptionMonitor`, which in
 * Node's default mode sees both and changes nothing: the process still crashes as it would have.
 * @module
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { OffpathEvent } from '../core/event.js';
import type { Source } from '../core/source.js';
import { type Clock, systemClock, type TimerHandle } from '../resilience/clock.js';

/** Options of {@link processHealth}. */
export interface ProcessHealthOptions {
  /** Event-loop delay p99 (ms, per interval) that raises a warning; 0 turns it off. @default 200 */
  readonly eventLoopLagMs?: number;
  /** Heap used (bytes) that raises a warning; 0 turns it off. @default 0 */
  readonly heapUsedBytes?: number;
  /** How often to look. @default 5_000 */
  readonly intervalMs?: number;
  /** Least time between two events of the same kind. @default 60_000 */
  readonly cooldownMs?: number;
  /** Report uncaught exceptions and unhandled rejections (behaviour unchanged). @default false */
  readonly uncaught?: boolean;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Readings, replaceable in tests. @default the process's own */
  readonly read?: { eventLoopP99Ms(): number; heapUsed(): number };
}

/**
 * @example
 * offpath.attach(processHealth({ eventLoopLagMs: 100, heapUsedBytes: 1_500_000_000, uncaught: true }));
 */
export function processHealth(options: ProcessHealthOptions = {}): Source {
  const clock = options.clock ?? systemClock;
  const lagMs = options.eventLoopLagMs ?? 200;
  const heapLimit = options.heapUsedBytes ?? 0;
  const cooldownMs = options.cooldownMs ?? 60_000;
  return {
    name: 'process-health',
    attach(emit, report) {
      const histogram = options.read ? undefined : monitorEventLoopDelay({ resolution: 10 });
      histogram?.enable();
      const read = options.read ?? {
        eventLoopP99Ms: () => {
          const p99 = histogram!.percentile(99) / 1e6;
          histogram!.reset();
          return p99;
        },
        heapUsed: () => process.memoryUsage().heapUsed,
      };
      const lastAt = new Map<string, number>();
      const raise = (key: string, event: OffpathEvent): void => {
        const now = clock.now();
        if (now - (lastAt.get(key) ?? Number.NEGATIVE_INFINITY) < cooldownMs) return;
        lastAt.set(key, now);
        emit(event);
      };
      let timer: TimerHandle | undefined;
      const tick = (): void => {
        try {
          if (lagMs > 0) {
            const p99 = read.eventLoopP99Ms();
            if (p99 > lagMs) {
              raise('lag', {
                level: 'warn',
                kind: 'alert',
                title: 'Event loop lag',
                message: `Event-loop delay p99 reached ${Math.round(p99)} ms (threshold ${lagMs} ms).`,
                fields: { p99Ms: Math.round(p99) },
                fingerprint: 'process-event-loop-lag',
              });
            }
          }
          if (heapLimit > 0) {
            const used = read.heapUsed();
            if (used > heapLimit) {
              raise('heap', {
                level: 'warn',
                kind: 'alert',
                title: 'Heap use high',
                message: `Heap used ${mb(used)} MB (threshold ${mb(heapLimit)} MB).`,
                fields: { heapUsedMb: mb(used) },
                fingerprint: 'process-heap-high',
              });
            }
          }
        } catch (error) {
          // A throw here would be an uncaught exception in the host, from a timer.
          report?.(error);
        } finally {
          timer = clock.setTimeout(tick, options.intervalMs ?? 5_000);
        }
      };
      timer = clock.setTimeout(tick, options.intervalMs ?? 5_000);
      const onUncaught = (error: unknown, origin: string): void => {
        emit({
          level: 'critical',
          kind: 'alert',
          title: origin === 'unhandledRejection' ? 'Unhandled promise rejection' : 'Uncaught exception',
          error: error instanceof Error ? error : { name: 'NonError', message: String(error) },
          fields: { origin, pid: process.pid },
        });
      };
      if (options.uncaught) process.on('uncaughtExceptionMonitor', onUncaught);
      return () => {
        if (timer !== undefined) clock.clearTimeout(timer);
        histogram?.disable();
        process.off('uncaughtExceptionMonitor', onUncaught);
      };
    },
  };
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}
