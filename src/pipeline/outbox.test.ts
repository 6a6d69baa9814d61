import { describe, expect, it } from 'vitest';
import { record } from '../../test/helpers/records.js';
import { Outbox, type OutboxItem, outboxItem } from './outbox.js';

const item = (oldest: number): OutboxItem =>
  outboxItem({ payload: oldest, records: [record({ time: oldest })] }, [1], oldest);

function failed(i: OutboxItem, notBefore: number): OutboxItem {
  i.failures++;
  i.notBefore = notBefore;
  return i;
}

describe('Outbox', () => {
  it('in order: a failed head waits and everything behind it waits too', () => {
    const box = new Outbox(true);
    const [a, b] = [item(1), item(2)];
    box.add(a);
    box.add(b);
    expect(box.next(0)).toEqual({ item: a });
    box.take(a);
    box.putBack(failed(a, 500));
    expect(box.next(100)).toEqual({ waitMs: 400 });
    expect(box.blocked).toBe(true);
    expect(box.next(500)).toEqual({ item: a });
    expect(box.next(500, false)).toBeUndefined();
  });

  it('out of order: fresh messages go while a failed one waits for its own backoff, which then goes first', () => {
    const box = new Outbox(false);
    const [a, b, c] = [item(1), item(2), item(3)];
    for (const i of [a, b, c]) box.add(i);
    box.take(a);
    box.putBack(failed(a, 500));
    expect(box.blocked).toBe(false);
    expect(box.next(100)).toEqual({ item: b });
    box.take(b);
    expect(box.next(500)).toEqual({ item: a });
    expect(box.next(500, false)).toEqual({ item: c });
    box.take(c);
    expect(box.next(100)).toEqual({ waitMs: 400 });
    expect(box.oldest).toBe(1);
    expect(box.drain()).toEqual([a]);
    expect(box.size).toBe(0);
  });
});
