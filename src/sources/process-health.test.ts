import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { OffpathEvent } from '../core/event.js';
import { createOffpath } from '../instance/create-offpath.js';
import { memorySink } from '../sinks/memory-sink.js';
import { ManualClock } from '../testing/manual-clock.js';
import { processHealth } from './process-health.js';

describe('process health', () => {
  it('raises lag and heap warnings over their thresholds, once per cooldown', async () => {
    const clock = new ManualClock(0);
    let p99 = 50;
    let heap = 100;
    const events: OffpathEvent[] = [];
    const detach = processHealth({
      clock,
      intervalMs: 1_000,
      cooldownMs: 10_000,
      heapUsedBytes: 1_000,
      read: { eventLoopP99Ms: () => p99, heapUsed: () => heap },
    }).attach((e) => events.push(e) > 0);
    clock.advance(1_000);
    expect(events).toHaveLength(0);
    p99 = 350;
    heap = 5_000_000;
    clock.advance(5_000);
    expect(events.map((e) => e.title)).toEqual(['Event loop lag', 'Heap use high']);
    clock.advance(10_000);
    expect(events).toHaveLength(4);
    detach();
    clock.advance(60_000);
    expect(events).toHaveLength(4);
    expect(clock.pendingTimers).toBe(0);
  });

  it('sees real event-loop lag', async () => {
    const events: OffpathEvent[] = [];
    const detach = processHealth({ intervalMs: 300, eventLoopLagMs: 100 }).attach((e) => events.push(e) > 0);
    await new Promise((r) => setTimeout(r, 100));
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // Block the event loop, as a synchronous hot spot in an app would.
    }
    await new Promise((r) => setTimeout(r, 900));
    detach();
    expect(events[0]).toMatchObject({ title: 'Event loop lag', level: 'warn' });
  });

  for (const [what, code] of [
    ['an uncaught exception', "setTimeout(() => { throw new Error('boom') }, 10)"],
    ['an unhandled rejection', "Promise.reject(new Error('boom'))"],
  ] as const) {
    it(`reports ${what} without changing how the process ends`, () => {
      const script = `
        import { writeSync } from 'node:fs';
        import { processHealth } from ${JSON.stringify(new URL('./process-health.ts', import.meta.url).pathname)};
        processHealth({ uncaught: true }).attach((e) => { writeSync(1, JSON.stringify({ title: e.title, origin: e.fields.origin, message: e.error.message }) + '\\n'); return true; });
        ${code};`;
      const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('boom');
      const line = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
      expect(line).toMatchObject({ message: 'boom' });
      expect(line.origin).toBe(what === 'an uncaught exception' ? 'uncaughtException' : 'unhandledRejection');
    });
  }
});

describe('report() and time()', () => {
  it('emit a bug report and slow operations, passing results and errors through', async () => {
    const sink = memorySink();
    const offpath = createOffpath({ destinations: [{ name: 'm', type: 'custom', sink }] });
    expect(
      offpath.report(new TypeError('bad input'), { message: 'while importing', fields: { file: 'a.csv' } }),
    ).toBe(true);
    expect(await offpath.time('fast', () => 42, { slowMs: 1_000 })).toBe(42);
    expect(
      await offpath.time('slow', () => new Promise((r) => setTimeout(() => r('done'), 60)), { slowMs: 20 }),
    ).toBe('done');
    await expect(
      offpath.time(
        'failing',
        async () => {
          await new Promise((r) => setTimeout(r, 60));
          throw new Error('nope');
        },
        { slowMs: 20 },
      ),
    ).rejects.toThrow('nope');
    await offpath.flush();
    expect(sink.records.map((r) => r.title)).toEqual([
      'TypeError: bad input',
      'Slow operation: slow',
      'Slow operation: failing',
    ]);
    expect(sink.records[0]).toMatchObject({
      kind: 'alert',
      level: 'error',
      message: 'while importing',
      fields: { file: 'a.csv' },
    });
    expect(sink.records[2]?.error?.message).toBe('nope');
    await offpath.close();
  });
});
