import { describe, expect, it } from 'vitest';
import { record } from '../../test/helpers/records.js';
import { TypedEmitter } from '../resilience/typed-emitter.js';
import { DeliveryLedger } from './delivery-ledger.js';
import type { OffpathEvents } from './events.js';
import { reconciles } from './ledger.js';
import { parcelOf } from './parcel.js';
import type { SpoolPort } from './spool-port.js';

function setup(spool?: Partial<SpoolPort>) {
  const events = new TypedEmitter<OffpathEvents>();
  const calls: string[] = [];
  const port: SpoolPort | undefined = spool && {
    durable: false,
    whenBreakerOpen: false,
    spill: () => true,
    journal: () => {},
    settle: (_d, records) => calls.push(`settle ${records.length}`),
    deadLetter: (_d, records, reason) => calls.push(`dead ${records.length} ${reason}`),
    backlog: () => 0,
    take: () => [],
    onLoss: () => {},
    ...spool,
  };
  const forwarded: string[] = [];
  const ledger = new DeliveryLedger('d', {
    events,
    spool: port,
    forward: (from, parcel, reason) => forwarded.push(`${from} ${parcel.records.length} ${reason}`),
  });
  return { ledger, events, calls, forwarded };
}

describe('DeliveryLedger', () => {
  it('keeps pending as the sum of its stages while records move, and bytes with them', () => {
    const { ledger } = setup();
    const a = parcelOf([record()], [100]);
    const b = parcelOf([record(), record()], [50, 50]);
    ledger.move(a, 'arrival', 'queued');
    ledger.move(b, 'arrival', 'queued');
    expect(ledger.snapshot()).toMatchObject({ accepted: 3, pending: 3 });
    expect(ledger.bytes).toBe(200);
    ledger.batched([a]);
    ledger.move(a, 'batched', 'inFlight');
    ledger.move(a, 'inFlight', 'waiting');
    expect([ledger.weightIn('queued'), ledger.weightIn('waiting'), ledger.bytesIn('waiting')]).toEqual([
      2, 1, 100,
    ]);
    ledger.deliver(a, 'waiting', 5);
    ledger.drop(b, 'queued', 'expired');
    const s = ledger.snapshot();
    expect(s).toMatchObject({ accepted: 3, delivered: 1, dropped: 2, droppedBy: { expired: 2 }, pending: 0 });
    expect(reconciles(s)).toBe(true);
    expect(ledger.bytes).toBe(0);
  });

  it('counts a delivered digest as the events it merged, and merged events hold no memory', () => {
    const { ledger } = setup();
    for (let i = 0; i < 3; i++) ledger.move(parcelOf([record()], [100]), 'arrival', 'merged');
    expect(ledger.bytes).toBe(0);
    const digest = parcelOf(
      [record({ kind: 'digest', digest: { count: 3, firstTime: 0, lastTime: 1, groups: [] } })],
      [2_048],
    );
    ledger.move(digest, 'merged', 'queued');
    expect([ledger.weightIn('merged'), ledger.weightIn('queued'), ledger.bytes]).toEqual([0, 3, 2_048]);
    ledger.deliver(digest, 'queued', 1);
    expect(ledger.snapshot()).toMatchObject({ accepted: 3, delivered: 0, digested: 3, pending: 0 });
  });

  it('keeps a held record pending, in memory and journaled, and settles it only when it is merged or delivered', () => {
    const journaled: number[] = [];
    const { ledger, calls } = setup({ durable: true, journal: (_d, r) => journaled.push(r.id) });
    const sent = parcelOf([record()], [100]);
    const repeat = parcelOf([record()], [40]);
    ledger.move(sent, 'arrival', 'held');
    ledger.move(repeat, 'arrival', 'held');
    expect(ledger.snapshot()).toMatchObject({ accepted: 2, pending: 2 });
    expect([ledger.weightIn('held'), ledger.bytes, ledger.inMemory]).toEqual([2, 140, 2]);
    expect(journaled).toEqual([sent.records[0]!.id, repeat.records[0]!.id]);
    expect(calls).toEqual([]);
    // The claims' answers: one goes out (journaled already), the other was a repeat.
    ledger.move(sent, 'held', 'queued');
    ledger.move(repeat, 'held', 'merged');
    expect(journaled).toHaveLength(2);
    expect(calls).toEqual(['settle 1']);
    expect([ledger.weightIn('held'), ledger.bytes, ledger.inMemory]).toEqual([0, 100, 1]);
    ledger.deliver(sent, 'queued', 1);
    expect(calls).toEqual(['settle 1', 'settle 1']);
    expect(reconciles(ledger.snapshot())).toBe(true);
  });

  it('spills to the spool only when it takes them, and the spilled stage holds no memory', () => {
    let accept = false;
    const { ledger } = setup({ spill: () => accept });
    const p = parcelOf([record()], [10]);
    expect(ledger.spill(p, 'arrival', 'overflow')).toBe(false);
    expect(ledger.snapshot().accepted).toBe(0);
    accept = true;
    expect(ledger.spill(p, 'arrival', 'overflow')).toBe(true);
    expect(ledger.snapshot()).toMatchObject({ accepted: 1, pending: 1, spooled: 1 });
    expect(ledger.bytes).toBe(0);
    ledger.move(p, 'spilled', 'queued');
    expect(ledger.snapshot()).toMatchObject({ accepted: 1, pending: 1, spooled: 0 });
    expect(ledger.bytes).toBe(10);
  });

  it('settles the spool and hands dead letters to the fallback, publishing each outcome', () => {
    const { ledger, events, calls, forwarded } = setup({});
    const seen: string[] = [];
    events.on('delivered', (e) => seen.push(`delivered ${e.ids.length}`));
    events.on('dead-lettered', (e) => seen.push(`dead-lettered ${e.records.length} ${e.reason}`));
    events.on('dropped', (e) => seen.push(`dropped ${e.ids.length} ${e.reason}`));
    const p = parcelOf([record(), record()], [1, 1]);
    ledger.move(p, 'arrival', 'queued');
    ledger.deadLetter(p, 'queued', 'rejected', 1, undefined);
    ledger.drop(parcelOf([record()], [1]), 'arrival', 'queue_full');
    expect(seen).toEqual(['dead-lettered 2 rejected', 'dropped 1 queue_full']);
    expect(calls).toEqual(['dead 2 rejected', 'settle 1']);
    expect(forwarded).toEqual(['d 2 rejected']);
    expect(reconciles(ledger.snapshot())).toBe(true);
  });

  it('counts what the spool lost on its own, this run and earlier runs', () => {
    const { ledger } = setup({});
    ledger.spill(parcelOf([record(), record()], [1, 1]), 'arrival', 'overflow');
    ledger.lostInSpool({ destination: 'd', reason: 'spool_full', spilledHere: 2, fromEarlierRuns: 3 });
    const s = ledger.snapshot();
    expect(s).toMatchObject({
      accepted: 5,
      dropped: 5,
      droppedBy: { spool_full: 5 },
      pending: 0,
      spooled: 0,
    });
    expect(reconciles(s)).toBe(true);
  });
});
