/**
 * The emit journal on disk (strict durable mode): segment files named after the run that owns them,
 * `<pid>-<start time>-<instance>-<index>.ndjson`, holding one JSON object per line:
 *
 * - an entry, written by `emit()`: `{"s":seq,"t":acceptedAt,"d":["dest",…],"r":{record}}`, the record
 *   already normalised and redacted;
 * - a checkpoint, written after a spool commit: `{"c":seq}`: every entry up to `seq` is in the spool
 *   database (or settled), so recovery skips it.
 *
 * Sequence numbers grow within one run's segments; each run has its own files.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { storedRecord } from './stored-record.js';

/** An accepted event as the journal keeps it. */
export interface JournalEntry {
  readonly seq: number;
  readonly acceptedAt: number;
  readonly destinations: readonly string[];
  readonly record: EventRecord;
}

/** One parsed line. */
export type JournalLine =
  | { readonly kind: 'entry'; readonly entry: JournalEntry }
  | { readonly kind: 'checkpoint'; readonly seq: number }
  | { readonly kind: 'unreadable' };

/** The line of an entry, newline included. Built by hand so the record is serialised only once. */
export function entryLine(
  seq: number,
  acceptedAt: number,
  destinations: readonly string[],
  record: EventRecord,
): string {
  return `{"s":${seq},"t":${acceptedAt},"d":${JSON.stringify(destinations)},"r":${JSON.stringify(record)}}\n`;
}

/** The line of a checkpoint, newline included. */
export function checkpointLine(seq: number): string {
  return `{"c":${seq}}\n`;
}

/** Parses one line; anything that is not a well-formed entry or checkpoint is `unreadable`. */
export function parseJournalLine(line: string): JournalLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'unreadable' };
  }
  if (typeof value !== 'object' || value === null) return { kind: 'unreadable' };
  const v = value as Record<string, unknown>;
  if (typeof v['c'] === 'number') return { kind: 'checkpoint', seq: v['c'] };
  const record = v['r'] as EventRecord | undefined;
  if (
    typeof v['s'] !== 'number' ||
    typeof v['t'] !== 'number' ||
    !Array.isArray(v['d']) ||
    !v['d'].every((d) => typeof d === 'string') ||
    typeof record !== 'object' ||
    record === null ||
    typeof record.level !== 'string'
  ) {
    return { kind: 'unreadable' };
  }
  return {
    kind: 'entry',
    entry: {
      seq: v['s'],
      acceptedAt: v['t'],
      destinations: v['d'] as string[],
      record: storedRecord(record),
    },
  };
}

/** The run that owns a segment: its process id and a token unique to that run. */
export interface SegmentName {
  readonly pid: number;
  /** Epoch ms at which the run opened its journal; runs are recovered oldest first. */
  readonly startedAt: number;
  /** `<pid>-<start time>-<instance>`: all segments of one run share it. */
  readonly run: string;
  /** Order of the segment within its run. */
  readonly index: number;
}

const SEGMENT = /^((\d+)-(\d+)-\d+)-(\d+)\.ndjson$/;

/** The file name of segment `index` of `run`. */
export function segmentFileName(run: string, index: number): string {
  return `${run}-${String(index).padStart(6, '0')}.ndjson`;
}

/** Reads a segment file name; undefined for files that are not segments. */
export function parseSegmentFileName(name: string): SegmentName | undefined {
  const m = SEGMENT.exec(name);
  return m ? { run: m[1]!, pid: Number(m[2]), startedAt: Number(m[3]), index: Number(m[4]) } : undefined;
}
