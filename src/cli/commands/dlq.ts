/**
 * `offpath dlq list|show|export|purge`: inspect and maintain dead letters (events that failed for
 * good) in the spool. Replay lives in `dlq-replay.ts`: it needs a running pipeline.
 * @module
 */
import type { StoredDeadLetter } from '../../spool/dead-letter-table.js';
import { type CommandResult, fail, ok } from '../io.js';
import { isoTime, type SpoolCommandOptions, withSpool } from '../spool-options.js';
import { formatTable } from '../table.js';

/** Options of `offpath dlq list`. */
export interface DlqListOptions extends SpoolCommandOptions {
  /** At most this many letters, oldest first. @default 50 */
  readonly limit?: number;
  /** Print JSON instead of a table. @default false */
  readonly json?: boolean;
}

const SUMMARY_CHARS = 60;

/** Lists dead letters matching the filters, oldest first. */
export function dlqListCommand(options: DlqListOptions): CommandResult {
  const limit = options.limit ?? 50;
  return withSpool(options, (store, filter) => {
    const letters = store.letters.list(filter, limit);
    if (options.json) return ok(`${JSON.stringify(letters.map(letterJson), null, 2)}\n`);
    if (letters.length === 0) return ok('no dead letters match\n');
    const total = store.counts(filter).deadLetters.reduce((n, r) => n + r.count, 0);
    const table = formatTable(
      ['id', 'time', 'destination', 'reason', 'attempts', 'status', 'summary'],
      letters.map((l) => [
        `${l.id}`,
        isoTime(l.createdAt),
        l.destination,
        l.reason,
        `${l.attempts}`,
        l.lastStatus === null ? '-' : `${l.lastStatus}`,
        summary(l.record),
      ]),
    );
    const more =
      total > letters.length ? `\n${total - letters.length} more: raise --limit or narrow the filters` : '';
    return ok(`${table}${more}\n`);
  });
}

/** Prints one dead letter in full, its record as JSON. */
export function dlqShowCommand(id: string, options: SpoolCommandOptions): CommandResult {
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1)
    return fail(`"${id}" is not a dead-letter id (see offpath dlq list)\n`, 2);
  return withSpool(options, (store) => {
    const [letter] = store.letters.list({ ids: [n] });
    if (!letter) return fail(`no dead letter with id ${n} in ${store.path}\n`, 1);
    return ok(`${JSON.stringify(letterJson(letter), null, 2)}\n`);
  });
}

/** Prints every matching dead letter as one JSON object per line (NDJSON), oldest first. */
export function dlqExportCommand(options: SpoolCommandOptions): CommandResult {
  return withSpool(options, (store, filter) =>
    ok(
      store.letters
        .list(filter)
        .map((l) => `${JSON.stringify(letterJson(l))}\n`)
        .join(''),
    ),
  );
}

/** Options of `offpath dlq purge`. */
export interface DlqPurgeOptions extends SpoolCommandOptions {
  /** Required to purge without a filter, so that a forgotten flag cannot empty the store. @default false */
  readonly all?: boolean;
}

/** Deletes matching dead letters. */
export function dlqPurgeCommand(options: DlqPurgeOptions): CommandResult {
  const filtered =
    options.destination !== undefined || options.since !== undefined || options.reason !== undefined;
  if (!filtered && !options.all) {
    return fail(
      'offpath dlq purge: pass --destination, --since or --reason, or --all to purge every dead letter\n',
      2,
    );
  }
  return withSpool(options, (store, filter) => ok(`purged ${store.letters.purge(filter)} dead letter(s)\n`));
}

function letterJson(letter: StoredDeadLetter): Record<string, unknown> {
  return {
    id: letter.id,
    time: isoTime(letter.createdAt),
    destination: letter.destination,
    reason: letter.reason,
    attempts: letter.attempts,
    lastStatus: letter.lastStatus,
    lastError: letter.lastError,
    record: parseRecord(letter.record),
  };
}

function parseRecord(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Level and title (or message) on one line, cut to fit a terminal row. */
function summary(text: string): string {
  const record = parseRecord(text);
  if (typeof record !== 'object' || record === null) return '(unreadable record)';
  const { level, title, message } = record as { level?: unknown; title?: unknown; message?: unknown };
  const line = [level, title ?? message]
    .filter((p) => typeof p === 'string' && p !== '')
    .join(' ')
    .replace(/\s+/g, ' ');
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
}
