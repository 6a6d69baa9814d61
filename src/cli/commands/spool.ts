/**
 * `offpath spool stats`: what waits in the spool and what was dead-lettered, by destination and reason.
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
    const fileBytes = statSync(store.path).size;
    if (options.json) {
      return ok(`${JSON.stringify({ path: store.path, fileBytes, ...counts }, null, 2)}\n`);
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
    return ok(`${lines.join('\n')}\n`);
  });
}
