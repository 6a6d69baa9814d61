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
    for (let i = 0; i < 64 * 4; i++) if (monitor.shouldSample()) monitor.recordEmit(i, 0);
    now = 10_000; // second 0 has left the window; seconds 1-9 remain
    const snap = monitor.snapshot();
    expect(snap.workMsPerSecond).toBe(5);
    expect(snap.eventsInPerSecond).toBe(100);
    expect(snap.eventsOutPerSecond).toBe(40);
    expect(snap.emitUs.samples).toBe(4);
    expect(snap.shedding).toBe(false);
    now = 25_000; // everything has aged out
    expect(monitor.snapshot().eventsInPerSecond).toBe(0);
  });

  it('divides by the time the window covers: nine full seconds plus the part of the current one', () => {
    let now = 0;
    const monitor = new SelfMonitor(undefined, () => now);
    // A steady 1,000 events/s and 10 ms of work per second, recorded every 100 ms.
    for (; now < 25_500; now += 100) {
      monitor.recordIn(100);
      monitor.recordOut(100);
      monitor.recordWork(1);
    }
    const snap = monitor.snapshot(); // at 25.5 s: seconds 16-24 and half of second 25
    expect(snap.eventsInPerSecond).toBe(1_000);
    expect(snap.eventsOutPerSecond).toBe(1_000);
    expect(snap.workMsPerSecond).toBe(10);
  });

  it('reports rates over the time since start while that is shorter than the window', () => {
    let now = 50_000;
    const monitor = new SelfMonitor(undefined, () => now);
    for (let t = 0; t < 3_500; t += 100) {
      now = 50_000 + t;
      monitor.recordIn(100);
    }
    now = 53_500;
    expect(monitor.snapshot().eventsInPerSecond).toBe(1_000);
  });

  it('subtracts the median cost of reading the clock from the emit percentiles', () => {
    // Emit spans 0.200-0.299 µs; clock reads mostly 0.05 µs, a quarter of them slower.
    const monitor = new SelfMonitor(undefined, () => 0);
    for (let i = 0; i < 100; i++) monitor.recordEmit(0.2 + i / 1_000, i % 4 === 0 ? 0.09 : 0.05);
    const { emitUs } = monitor.snapshot();
    expect(emitUs.p50).toBe(0.199);
    expect(emitUs.p99).toBe(0.248);
    expect(emitUs.samples).toBe(100);
  });

  it('never reports a negative emit cost when the clock read is slower than the call', () => {
    const monitor = new SelfMonitor(undefined, () => 0);
    monitor.recordEmit(0.03, 0.05);
    expect(monitor.snapshot().emitUs.p50).toBe(0);
  });
});
