import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { record as base } from '../../test/helpers/records.js';
import type { EventRecord } from '../core/event.js';
import { ManualClock } from '../testing/manual-clock.js';
import { entryLine, parseJournalLine } from './journal-format.js';
import { openSpool } from './open-spool.js';
import { Spool } from './spool.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const spools: Spool[] = [];
afterEach(() => {
  for (const s of spools.splice(0)) s.close();
});

/** A record as a version without global ids wrote it. */
function withoutUid(id: number): EventRecord {
  const { uid: _uid, ...rest } = base({ id, level: 'error', time: Date.UTC(2026, 0, 1), message: `m${id}` });
  return rest as EventRecord;
}

describe('records stored before global ids', () => {
  it('get a uid when the spool reads them back, and keep one they have', () => {
    const { store } = openSpool(join(mkdtempSync(join(tmpdir(), 'offpath-uid-')), 'spool.db'));
    const spool = new Spool(
      store,
      {},
      { clock: new ManualClock(0), redactText: (t) => t, onError: () => {} },
    );
    spools.push(spool);
    const kept = base({ id: 2, level: 'error', message: 'kept' });
    expect(spool.spill('ops', [withoutUid(1), kept], 'breaker-open')).toBe(true);
    spool.flushSync();
    const taken = spool.take(
      'ops',
      10,
      (() => {
        let n = 100;
        return () => ++n;
      })(),
    );
    expect(taken).toHaveLength(2);
    const [old, current] = taken.map((t) => t.record);
    expect(old!.uid).toMatch(UUID_V7);
    // Made from the record's own time: the first 48 bits are its milliseconds.
    expect(Number.parseInt(old!.uid.replace('-', '').slice(0, 12), 16)).toBe(Date.UTC(2026, 0, 1));
    expect(current!.uid).toBe(kept.uid);
  });

  it('get a uid when the strict journal reads them back', () => {
    const line = entryLine(7, 1_000, ['ops'], withoutUid(7));
    const parsed = parseJournalLine(line.trimEnd());
    expect(parsed.kind).toBe('entry');
    if (parsed.kind !== 'entry') return;
    expect(parsed.entry.record.uid).toMatch(UUID_V7);
    const kept = base({ id: 8, level: 'error' });
    const again = parseJournalLine(entryLine(8, 1_000, ['ops'], kept).trimEnd());
    expect(again.kind === 'entry' && again.entry.record.uid).toBe(kept.uid);
  });
});
