import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { record as base } from '../../test/helpers/records.js';
import type { EventRecord } from '../core/event.js';
import { parseJournalLine, segmentFileName } from './journal-format.js';
import { SyncJournal } from './sync-journal.js';

const record = (message: string): EventRecord => base({ id: 0, level: 'info', time: 1, message });

function journalDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'offpath-journal-')), 'spool.db.emit-journal');
}

/** Every line of every segment, parsed, in file-name order. */
function lines(dir: string) {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .map(parseJournalLine);
}

describe('emit journal', () => {
  it('has the entry in the file when append returns', () => {
    const dir = journalDir();
    const journal = new SyncJournal(dir, { startedAt: 5 });
    expect(journal.append(100, ['ops', 'audit'], record('first'))).toBe(1);
    expect(lines(dir)).toEqual([
      {
        kind: 'entry',
        entry: { seq: 1, acceptedAt: 100, destinations: ['ops', 'audit'], record: record('first') },
      },
    ]);
    // An event no destination takes is numbered but not written: there is nothing to recover.
    expect(journal.append(101, [], record('filtered'))).toBe(2);
    expect(lines(dir)).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([segmentFileName(journal.run, 1)]);
    journal.close();
  });

  it('empties the segment once everything appended was routed and a flush followed', () => {
    const dir = journalDir();
    const journal = new SyncJournal(dir, { startedAt: 5 });
    let flushes = 0;
    journal.onRouted(() => flushes++);
    for (let i = 1; i <= 3; i++) journal.append(i, ['ops'], record(`m${i}`));
    journal.routed(1);
    journal.routed(2);
    expect(flushes).toBe(1);
    // Routed is not enough: only a flush after it makes entries safe to forget.
    expect(lines(dir)).toHaveLength(3);
    journal.routed(3);
    journal.checkpoint();
    expect(lines(dir)).toEqual([]);
    expect(journal.stats()).toMatchObject({ appended: 3, bytes: 0, segments: 1 });
    journal.append(4, ['ops'], record('m4'));
    journal.routed(4);
    expect(flushes).toBe(2);
    journal.close();
  });

  it('writes a checkpoint for what is covered when some entries have not been routed yet', () => {
    const dir = journalDir();
    const journal = new SyncJournal(dir, { startedAt: 5 });
    for (let i = 1; i <= 3; i++) journal.append(i, ['ops'], record(`m${i}`));
    journal.routed(2);
    journal.checkpoint();
    expect(lines(dir).at(-1)).toEqual({ kind: 'checkpoint', seq: 2 });
    // Nothing new was routed: no second checkpoint.
    journal.checkpoint();
    expect(lines(dir).filter((l) => l.kind === 'checkpoint')).toHaveLength(1);
    journal.close();
    // Not everything was covered: the file stays for the next start.
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('rotates full segments and deletes them once they are covered, so the journal stays short', () => {
    const dir = journalDir();
    const journal = new SyncJournal(dir, { startedAt: 5, rotateBytes: 300 });
    let seq = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 5; i++) seq = journal.append(seq, ['ops'], record('x'.repeat(40)))!;
      // The newest entry is still in the intake at each flush, so the segment is never all covered.
      journal.routed(seq - 1);
      journal.checkpoint();
      expect(readdirSync(dir).length).toBeLessThanOrEqual(2);
    }
    expect(journal.stats().segments).toBeLessThanOrEqual(2);
    expect(journal.stats().bytes).toBeLessThan(1_200);
    journal.routed(seq);
    journal.checkpoint();
    journal.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a failed write, so that emit() can refuse the event', () => {
    const dir = journalDir();
    const journal = new SyncJournal(dir, { startedAt: 5, rotateBytes: 1 });
    journal.append(1, ['ops'], record('ok'));
    // The next segment is a device that is always full (ENOSPC on every write).
    symlinkSync('/dev/full', join(dir, segmentFileName(journal.run, 2)));
    journal.append(2, ['ops'], record('still in segment 1'));
    journal.routed(1);
    journal.checkpoint();
    expect(journal.append(3, ['ops'], record('lost to a full disk'))).toBeUndefined();
    expect(journal.stats()).toMatchObject({ appended: 2, failed: 1 });
    journal.close();
  });
});
