/**
 * Recovery of the emit journal at start: what earlier runs accepted and had not yet got into the
 * spool database (entries after their last checkpoint) is moved into it, in one transaction, as
 * records of reason `recovered`, then their segments are deleted. At least once: an entry whose
 * durable copy was committed just before the crash, or that was delivered in the last turn of the
 * event loop, is recovered too and delivered again. Segments of a run that is still alive (another
 * process on the same spool, such as `offpath dlq replay`) are left alone.
 * @module
 */
import { existsSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseJournalLine, parseSegmentFileName, type SegmentName } from './journal-format.js';
import { isRunAlive, processIsAlive } from './journal-runs.js';
import type { SpoolRow, SpoolStore } from './spool-store.js';
import type { JournalRecovery } from './sync-journal.js';

interface Segment extends SegmentName {
  readonly path: string;
}

/** Moves what earlier runs left in the journal at `dir` into the store. Throws only for an unusable store. */
export function recoverJournal(
  dir: string,
  store: SpoolStore,
  settings: { readonly ttlMs: number; readonly isAlive?: (pid: number) => boolean },
): JournalRecovery {
  if (!existsSync(dir)) return { recovered: 0, unreadable: 0, leftToRunning: 0 };
  const isAlive = settings.isAlive ?? processIsAlive;
  const runs = new Map<string, Segment[]>();
  let leftToRunning = 0;
  for (const name of readdirSync(dir)) {
    const segment = parseSegmentFileName(name);
    if (!segment) continue;
    if (isRunAlive(segment.run, segment.pid, isAlive)) {
      leftToRunning++;
      continue;
    }
    const list = runs.get(segment.run) ?? [];
    list.push({ ...segment, path: join(dir, name) });
    runs.set(segment.run, list);
  }
  const ordered = [...runs.values()].sort((a, b) => a[0]!.startedAt - b[0]!.startedAt);
  let unreadable = 0;
  const rows: Array<Omit<SpoolRow, 'id'>> = [];
  const read: string[] = [];
  for (const segments of ordered) {
    segments.sort((a, b) => a.index - b.index);
    const run = readRun(segments);
    unreadable += run.unreadable;
    read.push(...run.read);
    for (const entry of run.entries) {
      if (entry.seq <= run.covered) continue;
      const record = JSON.stringify(entry.record);
      const bytes = Buffer.byteLength(record);
      for (const destination of entry.destinations) {
        rows.push({
          destination,
          reason: 'recovered',
          createdAt: entry.acceptedAt,
          expiresAt: entry.acceptedAt + settings.ttlMs,
          bytes,
          record,
        });
      }
    }
  }
  store.adopt(rows);
  // A segment that could not be read stays where it is, for a later start.
  for (const path of read) removeSegment(path);
  return { recovered: rows.length, unreadable, leftToRunning };
}

/** Best effort: a segment that cannot be removed is recovered again next time (duplicates, not loss). */
function removeSegment(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Left for the next start.
  }
}

function readRun(segments: readonly Segment[]) {
  let covered = 0;
  let unreadable = 0;
  const entries = [];
  const read: string[] = [];
  for (const segment of segments) {
    let text: string;
    try {
      text = readFileSync(segment.path, 'utf8');
    } catch {
      continue;
    }
    read.push(segment.path);
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const parsed = parseJournalLine(line);
      if (parsed.kind === 'entry') entries.push(parsed.entry);
      else if (parsed.kind === 'checkpoint') covered = Math.max(covered, parsed.seq);
      else unreadable++;
    }
  }
  return { covered, unreadable, entries, read };
}
