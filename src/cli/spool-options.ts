/**
 * Options shared by the spool and dead-letter commands: which spool file, and which entries.
 * @module
 */
import { loadConfigSource } from '../config/config-source.js';
import { openExistingSpool } from '../spool/open-spool.js';
import type { SpoolFilter } from '../spool/spool-filter.js';
import type { SpoolStore } from '../spool/spool-store.js';
import { configSourceFrom } from './config-option.js';
import { EXIT, UsageError } from './exit-codes.js';
import { type CommandResult, fail } from './io.js';

/** The spool file the CLI uses when neither `--spool` nor a config names one. */
export const DEFAULT_CLI_SPOOL = '.offpath/spool.db';

/** Raw filter options as commander passes them. */
export interface FilterOptions {
  readonly destination?: string;
  readonly since?: string;
  readonly reason?: string;
}

/**
 * `--spool`, else the spool of the config (`--config`, or the one zero-code mode finds), else
 * {@link DEFAULT_CLI_SPOOL}.
 * @throws UsageError when `--config` names a missing file
 */
export function resolveSpoolPath(options: { spool?: string; config?: string }): string {
  if (options.spool) return options.spool;
  let source: ReturnType<typeof configSourceFrom> | undefined;
  try {
    source = configSourceFrom(options.config);
  } catch (error) {
    // Without any config the default spool is used; a --config that names nothing is a mistake.
    if (options.config !== undefined) throw error;
  }
  return (source && loadConfigSource(source).spool?.path) ?? DEFAULT_CLI_SPOOL;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since` as epoch ms: a duration back from now (`30m`, `2h`, `7d`) or a date (`2026-11-20`,
 * `2026-11-20T08:00:00Z`).
 * @throws TypeError naming the accepted forms
 */
export function parseSince(value: string, now: number = Date.now()): number {
  const duration = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  if (duration) return now - Number(duration[1]) * UNITS[duration[2]!]!;
  const date = Date.parse(value);
  if (Number.isNaN(date)) {
    throw new TypeError(
      `--since "${value}": use a duration such as 30m, 2h or 7d, or a date such as 2026-11-20`,
    );
  }
  return date;
}

/** Turns filter options into a spool filter. */
export function toFilter(options: FilterOptions, now?: number): SpoolFilter {
  return {
    destination: options.destination,
    reason: options.reason,
    since: options.since === undefined ? undefined : parseSince(options.since, now),
  };
}

/** Where the spool is and which entries a command covers, as the spool and dlq commands take them. */
export interface SpoolCommandOptions extends FilterOptions {
  readonly spool?: string;
  readonly config?: string;
  /** "Now" for `--since` durations; injectable for tests. */
  readonly now?: number;
}

/**
 * Resolves the spool and the filter, opens the file, runs `use` and closes it. Bad options and an
 * unusable file become a message and an exit code (2 for usage, 1 for the file), never a stack trace.
 */
export function withSpool(
  options: SpoolCommandOptions,
  use: (store: SpoolStore, filter: SpoolFilter) => CommandResult,
): CommandResult {
  let path: string;
  let filter: SpoolFilter;
  try {
    path = resolveSpoolPath(options);
    filter = toFilter(options, options.now);
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError)
      return fail(`offpath: ${error.message}\n`, EXIT.usage);
    throw error;
  }
  const opened = openExistingSpool(path);
  if ('problem' in opened)
    return fail(`${opened.problem} (pass --spool FILE or --config FILE)\n`, EXIT.failed);
  try {
    return use(opened.store, filter);
  } finally {
    opened.store.close();
  }
}

/** An epoch-ms time as ISO 8601, to the second. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
