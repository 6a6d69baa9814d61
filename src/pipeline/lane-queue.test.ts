import { describe, expect, it } from 'vitest';
import { record } from '../../test/helpers/records.js';
import { LaneQueue } from './lane-queue.js';

describe('LaneQueue', () => {
  it('lets critical events overtake and keeps arrival order for the rest', () => {
    const q = new LaneQueue();
    const a = record({ id: 1, level: 'info' });
    const b = record({ id: 2, level: 'error' });
    const c = record({ id: 3, level: 'critical' });
    const d = record({ id: 4, level: 'debug' });
    for (const r of [a, b, c, d]) q.push({ record: r, bytes: 10 });
    expect(q.count).toBe(4);
    expect(q.peek()?.record.id).toBe(3);
    expect([q.shift(), q.shift(), q.shift(), q.shift()].map((e) => e?.record.id)).toEqual([3, 1, 2, 4]);
    expect(q.count).toBe(0);
  });

  it('sheds the oldest event of the lowest level first, never above the given rank', () => {
    const q = new LaneQueue();
    q.push({ record: record({ id: 1, level: 'error' }), bytes: 1 });
    q.push({ record: record({ id: 2, level: 'debug' }), bytes: 1 });
    q.push({ record: record({ id: 3, level: 'debug' }), bytes: 1 });
    expect(q.lowestRank()).toBe(1);
    expect(q.shedLowest(1)?.record.id).toBe(2);
    expect(q.shedLowest(1)?.record.id).toBe(3);
    expect(q.shedLowest(1)).toBeUndefined();
    expect(q.shedLowest()?.record.id).toBe(1);
  });

  it('reports the oldest record time', () => {
    const q = new LaneQueue();
    expect(q.oldestTime()).toBeUndefined();
    q.push({ record: record({ level: 'warn', time: 50 }), bytes: 1 });
    q.push({ record: record({ level: 'info', time: 20 }), bytes: 1 });
    expect(q.oldestTime()).toBe(20);
  });
});
