import { describe, expect, it } from 'vitest';
import { normalizeEventWithSize } from '../core/normalize/normalize-event.js';
import { TypedEmitter } from '../resilience/typed-emitter.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { OffpathEvents } from './events.js';
import { Pipeline } from './pipeline.js';
import type { EmitJournal } from './spool-port.js';

/** A pipeline without lanes (every event ends as filtered) around a scripted emit journal. */
function pipeline(journal: EmitJournal, intakeCapacity = 10) {
  const normalized: unknown[] = [];
  const p = new Pipeline({
    clock: new ManualClock(0),
    intakeCapacity,
    memoryBudgetBytes: 1e6,
    sliceMs: 2,
    normalize: (event, id, time) => {
      normalized.push(event);
      return normalizeEventWithSize({ message: 'x' }, { id, receivedAt: time });
    },
    route: () => ({ destinations: [], sampledOut: false }),
    lanes: [],
    events: new TypedEmitter<OffpathEvents>(),
    journal,
  });
  return { p, normalized };
}

describe('pipeline with an emit journal (strict durable mode)', () => {
  it('queues what the journal returns in place of the event', async () => {
    const accepted: unknown[] = [];
    const { p, normalized } = pipeline({
      accept: (event, time) => {
        accepted.push([event, time]);
        return { journalled: event };
      },
    });
    expect(p.emit('a')).toBe(true);
    expect(accepted).toEqual([['a', 0]]);
    await p.flush(new AbortController().signal);
    expect(normalized).toEqual([{ journalled: 'a' }]);
  });

  it('refuses the event, counted as journal_failed, when the journal cannot write it', () => {
    const { p } = pipeline({ accept: () => undefined });
    expect(p.emit('a')).toBe(false);
    expect(p.stats()).toMatchObject({ emitted: 0, refused: 1, refusedBy: { journal_failed: 1 } });
  });

  it('does not journal an event the full intake is about to refuse', () => {
    let journalled = 0;
    const { p } = pipeline(
      {
        accept: (event) => {
          journalled++;
          return event;
        },
      },
      2,
    );
    expect([p.emit(1), p.emit(2), p.emit(3)]).toEqual([true, true, false]);
    expect(journalled).toBe(2);
    expect(p.stats().refusedBy).toEqual({ queue_full: 1 });
  });
});
