import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { record as base } from '../../test/helpers/records.js';
import type { EventRecord } from '../core/event.js';
import { checkpointLine, entryLine, segmentFileName } from './journal-format.js';
import { emitJournalDir } from './open-emit-journal.js';
import { openSpool } from './open-spool.js';
import { recoverJournal } from './recover-journal.js';
import type { SpoolStore } from './spool-store.js';
import { SyncJournal } from './sync-journal.js';

const stores: SpoolStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

const record = (message: string): EventRecord => base({ id: 0, level: 'error', time: 1, message });

function setup() {
  const path = join(mkdtempSync(join(tmpdir(), 'offpath-recover-')), 'spool.db');
  const dir = emitJournalDir(path);
  mkdirSync(dir);
  const { store } = openSpool(path);
  stores.push(store);
  return { dir, store };
}

/** A segment as a crashed run with process id `pid` left it. */
function segment(dir: string, run: string, index: number, lines: string[]): void {
  writeFileSync(join(dir, segmentFileName(run, index)), lines.join(''));
}

const dead = (): boolean => false;
const waiting = (store: SpoolStore, destination: string): string[] =>
  store
    .pending(destination, 0, 100)
    .map((r) => `${r.reason}:${(JSON.parse(r.record) as EventRecord).message}`);

describe('emit journal recovery', () => {
  it('moves entries after the last checkpoint into the spool, one row per destination, and deletes the segments', () => {
    const { dir, store } = setup();
    const run = '4194401-1000-1';
    segment(dir, run, 1, [
      entryLine(1, 10, ['ops'], record('covered')),
      entryLine(2, 11, ['ops', 'audit'], record('two')),
      checkpointLine(1),
    ]);
    segment(dir, run, 2, [entryLine(3, 12, ['ops'], record('three')), '{"s":4,"t":13,"d":["ops"],"r":{"le']);
    const result = recoverJournal(dir, store, { ttlMs: 1_000, isAlive: dead });
    expect(result).toEqual({ recovered: 3, unreadable: 1, leftToRunning: 0 });
    expect(waiting(store, 'ops')).toEqual(['recovered:two', 'recovered:three']);
    expect(waiting(store, 'audit')).toEqual(['recovered:two']);
    // They are earlier runs' records: this run replays them and counts them as accepted.
    expect(store.bootMaxId).toBe(3);
    expect(store.pending('ops', 0, 1)[0]).toMatchObject({ createdAt: 11, expiresAt: 1_011 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('recovers runs oldest first, so each destination keeps its order', () => {
    const { dir, store } = setup();
    segment(dir, '4194402-2000-1', 1, [entryLine(1, 20, ['ops'], record('newer'))]);
    segment(dir, '4194401-1000-1', 1, [entryLine(1, 10, ['ops'], record('older'))]);
    recoverJournal(dir, store, { ttlMs: 1_000, isAlive: dead });
    expect(waiting(store, 'ops')).toEqual(['recovered:older', 'recovered:newer']);
  });

  it('leaves alone the segments of a run that is still alive, here or in another process', () => {
    const { dir, store } = setup();
    segment(dir, '4194403-3000-1', 1, [entryLine(1, 30, ['ops'], record('other process'))]);
    const live = new SyncJournal(dir, { startedAt: 40 });
    live.append(40, ['ops'], record('this process'));
    const result = recoverJournal(dir, store, { ttlMs: 1_000, isAlive: (pid) => pid === 4194403 });
    expect(result).toEqual({ recovered: 0, unreadable: 0, leftToRunning: 2 });
    expect(readdirSync(dir)).toHaveLength(2);
    live.close();
  });

  it('recovers an earlier incarnation that had this same process id (a restarted container)', () => {
    const { dir, store } = setup();
    segment(dir, `${process.pid}-1000-1`, 1, [entryLine(1, 10, ['ops'], record('before restart'))]);
    expect(recoverJournal(dir, store, { ttlMs: 1_000, isAlive: () => true }).recovered).toBe(1);
  });

  it('does nothing without a journal directory', () => {
    const { store } = setup();
    expect(recoverJournal('/nonexistent/journal', store, { ttlMs: 1 })).toEqual({
      recovered: 0,
      unreadable: 0,
      leftToRunning: 0,
    });
  });
});
