import { describe, expect, it } from 'vitest';
import { record } from '../../test/helpers/records.js';
import type { EventRecord } from '../core/event.js';
import type { Sink } from '../core/sink.js';
import { memorySink } from '../sinks/memory-sink.js';
import { packMessages, takeBatch } from './batcher.js';
import { LaneQueue } from './lane-queue.js';

function queueOf(entries: Array<{ bytes: number; time?: number }>): LaneQueue {
  const q = new LaneQueue();
  for (const e of entries) q.push({ record: record({ time: e.time ?? 1_000 }), bytes: e.bytes });
  return q;
}

describe('takeBatch', () => {
  it('stops at the record count or the bytes, whichever comes first', () => {
    const limits = { maxRecords: 3, maxBytes: 250, maxAgeMs: 10_000 };
    expect(
      takeBatch(queueOf([{ bytes: 10 }, { bytes: 10 }, { bytes: 10 }, { bytes: 10 }]), limits, 1_000).batch,
    ).toHaveLength(3);
    expect(
      takeBatch(queueOf([{ bytes: 100 }, { bytes: 100 }, { bytes: 100 }]), limits, 1_000).batch,
    ).toHaveLength(2);
  });

  it('always takes the first record, however big', () => {
    const { batch } = takeBatch(
      queueOf([{ bytes: 5_000 }, { bytes: 1 }]),
      { maxRecords: 10, maxBytes: 100, maxAgeMs: 1e9 },
      0,
    );
    expect(batch.map((e) => e.bytes)).toEqual([5_000]);
  });

  it('sets expired records apart without counting them against the batch', () => {
    const q = queueOf([
      { bytes: 1, time: 0 },
      { bytes: 1, time: 900 },
      { bytes: 1, time: 0 },
      { bytes: 1, time: 950 },
    ]);
    const { batch, expired } = takeBatch(q, { maxRecords: 2, maxBytes: 1e9, maxAgeMs: 500 }, 1_000);
    expect(batch.map((e) => e.record.time)).toEqual([900, 950]);
    expect(expired).toHaveLength(2);
    expect(q.count).toBe(0);
  });
});

describe('packMessages', () => {
  it('gives each message its records, their bytes and weight, and the oldest time', () => {
    const sink = memorySink();
    const digest = record({
      time: 5,
      kind: 'digest',
      digest: { count: 7, firstTime: 0, lastTime: 5, groups: [] },
    });
    const items = packMessages(sink, [
      { record: record({ time: 9 }), bytes: 30 },
      { record: digest, bytes: 2_048 },
    ]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      weight: 8,
      bytes: 2_078,
      sizes: [30, 2_048],
      oldest: 5,
      attempts: 0,
      stage: 'batched',
    });
  });

  it('refuses a formatter that loses or repeats a record', () => {
    const entries = [
      { record: record(), bytes: 1 },
      { record: record(), bytes: 1 },
    ];
    const lossy: Sink = {
      ...memorySink(),
      format: (b: readonly EventRecord[]) => [{ payload: 1, records: b.slice(1) }],
    };
    const twice: Sink = {
      ...memorySink(),
      format: (b: readonly EventRecord[]) => [{ payload: 1, records: [...b, b[0]!] }],
    };
    expect(() => packMessages(lossy, entries)).toThrow(/dropped 1/);
    expect(() => packMessages(twice, entries)).toThrow(/twice or unknown/);
  });
});
