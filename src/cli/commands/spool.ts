/**
 * `offpath spool stats`: what waits in the spool and what was dead-lettered, by destination and
 * reason, and how many dead letters the `spool.deadLetters` bounds have evicted since the file was made.
 * @module
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseSegmentFileName } from '../../spool/journal-format.js';
import { emitJournalDir } from '../../spool/open-emit-journal.js';
import { type CommandResult, ok } from '../io.js';
import { isoTime, type SpoolCommandOptions, withSpool } from '../spool-options.js';
import { formatTable } from '../table.js';

/** Options of `offpath spool stats`. */
export interface SpoolStatsOptions extends SpoolCommandOptions {
  /** Print JSON instead of tables. @default false */
  readonly json?: boolean;
}

/** Counts records and dead letters matching the filters. */
export function spoolStatsCommand(options: SpoolStatsOptions): CommandResult {
  return withSpool(options, (store, filter) => {
    const counts = store.counts(filter);
    const evicted = store.letters.evictionTotals({ destination: filter.destination });
    const fileBytes = statSync(store.path).size;
    const journal = emitJournal(store.path);
    if (options.json) {
      const json = {
        path: store.path,
        fileBytes,
        ...counts,
        deadLettersEvicted: evicted,
        ...(journal ? { emitJournal: journal } : {}),
      };
      return ok(`${JSON.stringify(json, null, 2)}\n`);
    }
    const waiting = counts.records.reduce((n, r) => n + r.count, 0);
    const dead = counts.deadLetters.reduce((n, r) => n + r.count, 0);
    const lines = [
      `${store.path}: ${fileBytes} bytes on disk, ${waiting} record(s) waiting, ${dead} dead letter(s)`,
    ];
    if (journal && journal.segments > 0) {
      lines.push(
        `emit journal (durable: 'sync'): ${journal.segments} segment(s), ${journal.bytes} bytes in ${journal.path}` +
          ' (a running app writes them; what a stopped one left is recovered at its next start)',
      );
    }
    if (counts.records.length > 0) {
      lines.push(
        '',
        'Waiting for delivery',
        formatTable(
          ['destination', 'reason', 'records', 'bytes', 'oldest'],
          counts.records.map((r) => [r.destination, r.reason, `${r.count}`, `${r.bytes}`, isoTime(r.oldest)]),
        ),
      );
    }
    if (counts.deadLetters.length > 0) {
      lines.push(
        '',
        'Dead letters (see offpath dlq list)',
        formatTable(
          ['destination', 'reason', 'letters', 'oldest'],
          counts.deadLetters.map((r) => [r.destination, r.reason, `${r.count}`, isoTime(r.oldest)]),
        ),
      );
    }
    if (evicted.length > 0) {
      lines.push(
        '',
        'Dead letters evicted by spool.deadLetters (expired: older than ttlMs; full: over maxBytes)',
        formatTable(
          ['destination', 'reason', 'letters', 'latest'],
          evicted.map((r) => [r.destination, r.reason, `${r.count}`, isoTime(r.lastAt)]),
        ),
      );
    }
    return ok(`${lines.join('\n')}\n`);
  });
}

/** The emit journal beside the spool (strict durable mode), if there is one. */
function emitJournal(spoolPath: string): { path: string; segments: number; bytes: number } | undefined {
  const path = emitJournalDir(spoolPath);
  if (!existsSync(path)) return undefined;
  const segments = readdirSync(path).filter((name) => parseSegmentFileName(name) !== undefined);
  // A running app deletes covered segments at any moment: one gone since readdir counts as empty.
  const size = (name: string): number => {
    try {
      return statSync(join(path, name)).size;
    } catch {
      return 0;
    }
  };
  const bytes = segments.reduce((sum, name) => sum + size(name), 0);
  return { path, segments: segments.length, bytes };
}
