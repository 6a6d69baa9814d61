import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeLane } from '../../test/helpers/lane-harness.js';
import { record } from '../../test/helpers/records.js';
import type { NoiseFactory } from '../pipeline/lane-policies.js';
import { memorySink } from '../sinks/memory-sink.js';
import { ManualClock } from '../testing/manual-clock.js';
import { LocalNoise } from './local-noise.js';
import type { NoiseClaim, SharedNoise } from './ports.js';
import { SharedNoiseControl } from './shared-noise-control.js';

const COOLDOWN_MS = 10_000;

/** A shared store whose claims are answered only when the test says so (a round trip in flight). */
class GatedNoise implements SharedNoise {
  readonly inner = new LocalNoise();
  readonly #gates: Array<() => void> = [];

  get claimsOut(): number {
    return this.#gates.length;
  }

  claim(fingerprints: readonly string[], cooldownMs: number, now: number): Promise<readonly NoiseClaim[]> {
    return new Promise((resolve) => {
      this.#gates.push(() => resolve(this.inner.claim(fingerprints, cooldownMs, now)));
    });
  }

  /** Lets every claim out land. */
  answer(): void {
    for (const gate of this.#gates.splice(0)) gate();
  }

  contribute: SharedNoise['contribute'] = (fingerprint, tally) => this.inner.contribute(fingerprint, tally);
  close: SharedNoise['close'] = (fingerprint) => this.inner.close(fingerprint);
}

function sharedCooldowns(store: SharedNoise, clock: ManualClock): NoiseFactory {
  const settings = { cooldownMs: COOLDOWN_MS, bypassLevel: undefined, maxFingerprints: 100 };
  return (handOver, nextId, countedElsewhere, repeated) =>
    new SharedNoiseControl(settings, store, clock, { handOver, nextId, countedElsewhere, repeated });
}

/** A lane with shared cooldowns over `store`, a recording spool and a ledger check. */
function laneOver(store: GatedNoise, spool: boolean | 'durable' = true) {
  const clock = new ManualClock(0);
  const sink = memorySink();
  const lane = makeLane(sink, { clock, spool, noise: sharedCooldowns(store, clock) });
  return { ...lane, sink };
}

const error = (fingerprint: string) => record({ level: 'error', time: 0, fingerprint });

describe('a lane with shared cooldowns', () => {
  it('settles nothing while a first occurrence waits for its claim, then sends and settles it once', async () => {
    const store = new GatedNoise();
    const { lane, clock, log, sink, check } = laneOver(store);
    const first = error('payment failed');
    lane.accept(first, 100);
    await clock.advanceAsync(0);
    expect(store.claimsOut).toBe(1);
    // A crash now must leave the event unacknowledged: its owner still has to deliver it.
    expect(log.settled).toEqual([]);
    expect(lane.ledger.snapshot()).toMatchObject({ accepted: 1, pending: 1, delivered: 0 });
    expect(lane.ledger.weightIn('held')).toBe(1);
    expect(lane.ledger.weightIn('merged')).toBe(0);
    check();

    store.answer();
    await clock.advanceAsync(0);
    expect(sink.records.map((r) => r.id)).toEqual([first.id]);
    expect(log.settled).toEqual([first.id]);
    expect(lane.ledger.snapshot()).toMatchObject({ accepted: 1, pending: 0, delivered: 1 });
    check();
  });

  it('journals a held first occurrence once in durable mode, before its claim lands', async () => {
    const store = new GatedNoise();
    const { lane, clock, log, check } = laneOver(store, 'durable');
    const first = error('disk full');
    lane.accept(first, 100);
    await clock.advanceAsync(0);
    expect(log.journaled).toEqual([first.id]);
    check();
    store.answer();
    await clock.advanceAsync(0);
    expect(log.journaled).toEqual([first.id]);
    expect(log.settled).toEqual([first.id]);
    check();
  });

  it('settles a held record only once it turns out a repeat, and counts it in the owner’s digest', async () => {
    const store = new GatedNoise();
    // Another process claimed the fingerprint first.
    await store.inner.claim(['timeout'], COOLDOWN_MS, 0);
    const { lane, clock, log, sink, check } = laneOver(store);
    const first = error('timeout');
    lane.accept(first, 100);
    await clock.advanceAsync(0);
    expect(log.settled).toEqual([]);
    check();

    store.answer();
    await clock.advanceAsync(0);
    expect(sink.records).toEqual([]);
    expect(log.settled).toEqual([first.id]);
    expect(lane.ledger.weightIn('merged')).toBe(1);
    check();

    await clock.advanceAsync(COOLDOWN_MS);
    expect(sink.records).toEqual([]);
    expect(log.settled).toEqual([first.id]);
    expect(lane.ledger.snapshot()).toMatchObject({ accepted: 1, pending: 0, digested: 1 });
    check();
  });

  it('hands a record still held at close to the spool as shutdown, never settled', async () => {
    const store = new GatedNoise();
    const { lane, clock, log, check } = laneOver(store);
    const first = error('cache down');
    lane.accept(first, 100);
    await clock.advanceAsync(0);
    await lane.close();
    expect(log.spilled).toEqual([{ id: first.id, reason: 'shutdown' }]);
    expect(log.settled).toEqual([]);
    expect(lane.ledger.snapshot()).toMatchObject({ accepted: 1, pending: 1, spooled: 1 });
    check();
    // The claim that lands after the close changes nothing.
    store.answer();
    await clock.advanceAsync(0);
    expect(log.settled).toEqual([]);
    expect(lane.ledger.snapshot()).toMatchObject({ accepted: 1, pending: 1, spooled: 1 });
    check();
  });

  it('counts a record still held at close as dropped:shutdown without a spool', async () => {
    const store = new GatedNoise();
    const { lane, clock, log, check } = laneOver(store, false);
    const first = error('cache down');
    lane.accept(first, 100);
    await clock.advanceAsync(0);
    await lane.close();
    expect(log.dropped).toEqual([{ id: first.id, reason: 'shutdown' }]);
    expect(lane.ledger.snapshot()).toMatchObject({ accepted: 1, pending: 0, dropped: 1 });
    check();
  });

  it('reconciles at every step and settles each event at most once, whatever the claims interleave with', async () => {
    const op = fc.oneof(
      fc.record({ emit: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ answer: fc.constant(true) }),
      fc.record({ advanceMs: fc.integer({ min: 0, max: 4_000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
        const store = new GatedNoise();
        const { lane, clock, log, sink, check } = laneOver(store);
        const emitted: number[] = [];
        const once = () => expect(new Set(log.settled).size).toBe(log.settled.length);
        for (const o of ops) {
          if ('emit' in o) {
            const r = error(`f${o.emit}`);
            emitted.push(r.id);
            lane.accept(r, 100);
          } else if ('answer' in o) store.answer();
          else await clock.advanceAsync(o.advanceMs);
          await clock.advanceAsync(0);
          check();
          once();
        }
        await lane.close();
        store.answer();
        await clock.advanceAsync(COOLDOWN_MS * 2);
        check();
        once();
        const s = lane.ledger.snapshot();
        // Everything was delivered, counted in a digest, or is in the spool: nothing dropped or lost.
        expect(s.accepted).toBe(s.delivered + s.digested + s.spooled);
        const spilled = new Set(log.spilled.map((x) => x.id));
        for (const id of emitted) expect(log.settled.includes(id) !== spilled.has(id)).toBe(true);
        for (const r of sink.records) expect(log.settled).toContain(r.id);
      }),
      { numRuns: 100 },
    );
  });
});
