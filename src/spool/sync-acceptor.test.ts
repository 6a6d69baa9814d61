import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeEventWithSize } from '../core/normalize/normalize-event.js';
import { type PipelineStages, SyncAcceptor } from './sync-acceptor.js';
import { SyncJournal } from './sync-journal.js';

/** Real normalisation, a router that samples with a scripted coin, and a redaction that counts calls. */
function stages(coin: boolean[]) {
  const calls = { normalize: 0, route: 0, prepare: 0 };
  const base: PipelineStages = {
    normalize: (event, id, time) => {
      calls.normalize++;
      return normalizeEventWithSize(event, { id, receivedAt: time });
    },
    route: () => {
      calls.route++;
      return coin.shift()
        ? { destinations: ['ops'], sampledOut: false }
        : { destinations: [], sampledOut: true };
    },
    prepare: (record) => {
      calls.prepare++;
      if (record.message === 'explode') throw new Error('redactor bug');
      return { ...record, message: record.message?.replace(/hunter2/g, '[REDACTED]') };
    },
  };
  return { base, calls };
}

function journal(): { journal: SyncJournal; text: () => string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'offpath-acceptor-')), 'j');
  const j = new SyncJournal(dir, { startedAt: 1 });
  return {
    journal: j,
    text: () =>
      readdirSync(dir)
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join(''),
  };
}

/** What the pipeline does with an intake item: normalise, route, prepare for each destination. */
function route(s: PipelineStages, item: unknown, id: number) {
  const { record } = s.normalize(item, id, 0);
  const decision = s.route(record);
  return { decision, copies: decision.destinations.map(() => s.prepare(record)) };
}

describe('sync acceptor', () => {
  it('journals the redacted record at the door, and the pipeline reuses that work instead of redoing it', () => {
    const { base, calls } = stages([true]);
    const { journal: j, text } = journal();
    const acceptor = new SyncAcceptor(j, base);
    const item = acceptor.accept({ level: 'error', message: 'password hunter2' }, 1_000);
    expect(text()).toContain('password [REDACTED]');
    expect(text()).not.toContain('hunter2');
    expect(calls).toEqual({ normalize: 1, route: 1, prepare: 1 });

    const { decision, copies } = route(acceptor, item, 42);
    expect(calls).toEqual({ normalize: 1, route: 1, prepare: 1 });
    expect(decision.destinations).toEqual(['ops']);
    expect(copies).toEqual([
      expect.objectContaining({ id: 42, message: 'password [REDACTED]', time: 1_000 }),
    ]);
    j.close();
  });

  it('keeps the sampling decision made at the door', () => {
    const { base } = stages([false, true]);
    const { journal: j, text } = journal();
    const acceptor = new SyncAcceptor(j, base);
    const item = acceptor.accept({ message: 'sampled out' }, 1);
    expect(text()).toBe('');
    // The router would now say yes; the event was already sampled out when it was accepted.
    expect(route(acceptor, item, 1).decision).toEqual({ destinations: [], sampledOut: true });
    j.close();
  });

  it('journals a withheld record when redaction fails, and leaves the pipeline to withhold it too', () => {
    const { base, calls } = stages([true]);
    const { journal: j, text } = journal();
    const acceptor = new SyncAcceptor(j, base);
    const item = acceptor.accept({ message: 'explode' }, 1);
    expect(text()).toContain('[record withheld: preparation failed]');
    expect(text()).not.toContain('explode');
    expect(() => route(acceptor, item, 1)).toThrow('redactor bug');
    expect(calls.prepare).toBe(2);
    j.close();
  });

  it('passes events it did not journal straight to the base stages', () => {
    const { base, calls } = stages([true]);
    const { journal: j } = journal();
    const acceptor = new SyncAcceptor(j, base);
    const { copies } = route(acceptor, { message: 'raw' }, 7);
    expect(copies).toEqual([expect.objectContaining({ id: 7, message: 'raw' })]);
    expect(calls).toEqual({ normalize: 1, route: 1, prepare: 1 });
    j.close();
  });

  it('refuses when the journal cannot write', () => {
    const { base } = stages([true]);
    const { journal: j } = journal();
    j.close();
    expect(new SyncAcceptor(j, base).accept({ message: 'x' }, 1)).toBeUndefined();
  });
});
