/**
 * A record read back from disk (the spool's rows, the strict journal's lines). Records written before
 * global ids existed have no `uid`: they get one when read, so a collector never receives a record
 * without an id. It is made from the record's own time, so it sorts where the record belongs.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { uuidV7 } from '../core/random-id.js';

/** `record` as it may have been stored: complete, or without the `uid` of later versions. */
export function storedRecord(record: EventRecord): EventRecord {
  return typeof record.uid === 'string' ? record : { ...record, uid: uuidV7(record.time) };
}
