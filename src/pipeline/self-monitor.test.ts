import { describe, expect, it } from 'vitest';
import { SelfMonitor } from './self-monitor.js';

describe('SelfMonitor', () => {
  it('starts shedding after a second over budget and stops once under half of it', () => {
    let now = 0;
    const changes: boolean[] = [];
    const monitor = new SelfMonitor(
      { cpuPercent: 1 },
      () => now,
      (s) => changes.push(s),
    );
    monitor.recordWork(0); // settle on second 0
    monitor.recordWork(15); // 15 ms in one second = 1.5 % of a core
    expect(monitor.shedding).toBe(false); // judged only when the second is over
    now = 1_000;
    monitor.recordIn(1);
    expect(monitor.shedding).toBe(true);
    monitor.recordWork(7); // 0.7 %: under budget but above half, so still shedding
    now = 2_000;
    monitor.recordOut(1);
    expect(monitor.shedding).toBe(true);
    monitor.recordWork(2); // 0.2 %: under half
    now = 3_000;
    expect(monitor.snapshot().shedding).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('reports work, throughput and sampled emit cost over the last ten seconds', () => {
    let now = 0;
    const monitor = new SelfMonitor(undefined, () => now);
    for (let s = 0; s < 10; s++) {
      now = s * 1_000;
      monitor.recordWork(5);
      monitor.recordIn(100);
      monitor.recordOut(40);
    }
    for (let i = 0; i < 64 * 4; i++) if (monitor.shouldSample()) monitor.recordEmit(i);
    const snap = monitor.snapshot();
    expect(snap.workMsPerSecond).toBe(5);
    expect(snap.eventsInPerSecond).toBe(100);
    expect(snap.eventsOutPerSecond).toBe(40);
    expect(snap.emitUs.samples).toBe(4);
    expect(snap.shedding).toBe(false);
    now = 25_000; // everything has aged out
    expect(monitor.snapshot().eventsInPerSecond).toBe(0);
  });
});
