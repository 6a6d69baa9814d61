import { describe, expect, it } from 'vitest';
import { record } from '../../test/helpers/records.js';
import type { Level } from '../core/level.js';
import { LaneQueue } from './lane-queue.js';
import { makeRoom } from './overflow.js';

function queueOf(levels: Level[], bytes = 10): LaneQueue {
  const q = new LaneQueue();
  for (const level of levels) q.push({ record: record({ level }), bytes });
  return q;
}

describe('makeRoom', () => {
  const bounds = { maxItems: 3, maxBytes: 1_000 };

  it('admits what fits without touching the queue', () => {
    const q = queueOf(['info', 'info']);
    expect(makeRoom(q, 20, bounds, { record: record(), bytes: 10 }, 'drop-oldest')).toEqual({
      admit: true,
      victims: [],
    });
    expect(q.count).toBe(2);
  });

  it('refuses the newcomer under drop-newest and spool', () => {
    for (const policy of ['drop-newest', 'spool'] as const) {
      const q = queueOf(['debug', 'debug', 'debug']);
      expect(makeRoom(q, 30, bounds, { record: record(), bytes: 10 }, policy)).toEqual({
        admit: false,
        victims: [],
      });
      expect(q.count).toBe(3);
    }
  });

  it('sheds the oldest of the lowest level first, never a more severe record for a lesser one', () => {
    const q = queueOf(['error', 'debug', 'info']);
    const room = makeRoom(q, 30, bounds, { record: record({ level: 'info' }), bytes: 10 }, 'drop-oldest');
    expect(room.admit).toBe(true);
    expect(room.victims.map((v) => v.record.level)).toEqual(['debug']);
    const higher = queueOf(['error', 'error', 'error']);
    expect(
      makeRoom(higher, 30, bounds, { record: record({ level: 'warn' }), bytes: 10 }, 'drop-oldest'),
    ).toEqual({
      admit: false,
      victims: [],
    });
  });

  it('sheds as many as the bytes bound needs, counting what the lane holds beyond its queue', () => {
    const q = queueOf(['info', 'info', 'info'], 100);
    // 300 bytes queued plus 500 in flight; the newcomer needs 300 more under a 1,000-byte bound.
    const room = makeRoom(
      q,
      800,
      { maxItems: 10, maxBytes: 1_000 },
      { record: record(), bytes: 300 },
      'drop-oldest',
    );
    expect(room).toMatchObject({ admit: true });
    expect(room.victims).toHaveLength(1);
    const none = makeRoom(
      queueOf([], 0),
      900,
      { maxItems: 10, maxBytes: 1_000 },
      { record: record(), bytes: 300 },
      'drop-oldest',
    );
    expect(none).toEqual({ admit: false, victims: [] });
  });
});
