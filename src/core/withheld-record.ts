/**
 * What is sent or stored in place of a record whose preparation (redaction) failed.
 * @module
 */
import type { EventRecord } from './event.js';

/**
 * Keeps only what is always safe to let out (ids, level, kind, time): an unprepared record might
 * still hold secrets, so it never goes anywhere.
 */
export function withheldRecord(record: EventRecord): EventRecord {
  return {
    id: record.id,
    uid: record.uid,
    level: record.level,
    kind: record.kind,
    time: record.time,
    fields: {},
    tags: [],
    truncated: true,
    message: '[record withheld: preparation failed]',
  };
}
