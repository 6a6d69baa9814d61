import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOffpath, reconciles } from '../../src/index.js';
import { ManualClock, startCollectorEmulator } from '../../src/testing/index.js';

const STEP_MS = 100;
/** Lets real I/O (the HTTP exchanges with the emulator) happen between steps of virtual time. */
const realTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2));

describe('a 60 s outage with the spool', () => {
  it('delivers 100% after recovery, in order', async () => {
    const clock = new ManualClock(0);
    const collector = await startCollectorEmulator({ clock });
    const path = join(mkdtempSync(join(tmpdir(), 'offpath-outage-')), 'spool.db');
    const offpath = createOffpath(
      {
        destinations: [
          {
            name: 'c',
            type: 'http',
            url: collector.url,
            // One request at a time, so the collector receives the events in order.
            concurrency: 1,
            batch: { maxSize: 50, maxDelayMs: 200 },
            queue: { maxItems: 200, overflow: 'spool' },
          },
        ],
        spool: { path, whenBreakerOpen: true },
      },
      { clock },
    );
    const outage = { from: 5_000, to: 65_000 };
    let n = 0;
    let t = 0;
    // 50 events per second for 90 s of virtual time; the collector answers 503 for 60 s of it.
    for (; t < 90_000; t += STEP_MS) {
      if (t === outage.from) collector.faults.setFailureRate(1, { status: 503 });
      if (t === outage.to) collector.faults.setFailureRate(0);
      for (let i = 0; i < 5; i++) offpath.emit({ message: `m${n++}` });
      clock.advance(STEP_MS);
      await realTurn();
    }
    const duringOutage = collector.received.filter((r) => r.status === 503).length;
    // Then only time passes, until everything is delivered (bounded: 10 virtual minutes).
    for (; offpath.stats().pending > 0 && t < 690_000; t += STEP_MS) {
      clock.advance(STEP_MS);
      await realTurn();
    }
    const stats = offpath.stats();
    expect(duringOutage).toBeGreaterThan(0);
    expect(stats.spool?.lost).toEqual({});
    expect(stats.droppedBy).toEqual({});
    expect(stats.deadLettered).toBe(0);
    expect(stats.delivered).toBe(n);
    expect(reconciles(stats)).toBe(true);
    expect(collector.items().map((i) => (i as { message: string }).message)).toEqual(
      Array.from({ length: n }, (_, i) => `m${i}`),
    );
    process.stdout.write(
      `outage: ${n} events, ${duringOutage} requests answered 503, all delivered ${((t - outage.to) / 1000).toFixed(1)} s after the outage ended\n`,
    );
    const closing = offpath.close();
    clock.advance(10_000);
    await closing;
    await collector.close();
  }, 60_000);
});
