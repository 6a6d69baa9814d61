import { describe, expect, it } from 'vitest';
import { createOffpath } from '../../src/instance/create-offpath.js';
import { MetricsCollector } from '../../src/resilience/telemetry.js';
import { startCollectorEmulator } from '../../src/testing/index.js';
import { onCleanup, track } from '../helpers/cleanups.js';

describe('MetricsCollector attached to an instance', () => {
  it("counts an instance's requests, success rate, latency, retries and rate limits against a real collector", async () => {
    const collector = await track(startCollectorEmulator());
    const offpath = createOffpath({
      destinations: [
        {
          name: 'c',
          type: 'http',
          url: collector.url,
          concurrency: 1,
          retry: { initialDelayMs: 5, maxDelayMs: 10 },
          batch: { maxDelayMs: 5 },
        },
      ],
    });
    onCleanup(() => offpath.close({ timeoutMs: 1_000 }));
    // The instance publishes the kit's vocabulary, so it attaches like the primitives' emitter does.
    const metrics = new MetricsCollector().attach(offpath);
    const onlyOthers = new MetricsCollector({ destination: 'other' }).attach(offpath);
    collector.faults.failNext(1, 503);
    collector.faults.rateLimitNext(1, 0);
    offpath.emit({ message: 'order placed' });
    expect((await offpath.flush({ timeoutMs: 5_000 })).complete).toBe(true);

    // The emulator answers scripted 429s before scripted failures: 429 (its wait spends no attempt), 503, 200.
    expect(collector.received.map((r) => r.status)).toEqual([429, 503, 200]);
    const s = metrics.snapshot();
    expect(s.requests).toBe(3);
    expect(s.successes).toBe(1);
    expect(s.failures).toBe(2);
    expect(s.successRate).toBeCloseTo(1 / 3);
    expect(s.retries).toBeGreaterThanOrEqual(1);
    expect(s.rateLimitedBySource.retryAfter).toBe(1);
    expect(s.latency.samples).toBe(3);
    expect(s.latency.mean).toBeGreaterThan(0);
    expect(s.failuresByCode).toMatchObject({ ERR_SERVER: 1 });
    // A collector given a destination counts that destination's events only.
    expect(onlyOthers.snapshot().requests).toBe(0);

    // Detached: later traffic is not counted.
    metrics.detach();
    offpath.emit({ message: 'after detach' });
    await offpath.flush({ timeoutMs: 5_000 });
    expect(collector.received).toHaveLength(4);
    expect(metrics.snapshot().requests).toBe(3);
  });
});
