/**
 * `offpath spool stats`: what waits in the spool and what was dead-lettered, by destination and
 * reason, and how many dead letters the `spool.deadLetters` bounds have evicted since the file was made.
 * @module
 */
import { statSync } from 'node:fs';
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
    if (options.json) {
      const json = { path: store.path, fileBytes, ...counts, deadLettersEvicted: evicted };
      return ok(`${JSON.stringify(json, null, 2)}\n`);
    }
    const waiting = counts.records.reduce((n, r) => n + r.count, 0);
    const dead = counts.deadLetters.reduce((n, r) => n + r.count, 0);
    const lines = [
      `${store.path}: ${fileBytes} bytes on disk, ${waiting} record(s) waiting, ${dead} dead letter(s)`,
    ];
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
