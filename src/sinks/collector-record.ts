/**
 * The record as collectors and files receive it: where it comes from (`service`, `host`,
 * `environment`, `release`) and its globally unique id first, then the normalised record. The
 * pipeline's per-process counter stays inside offpath: two processes both count from 1.
 * @module
 */
import { hostname } from 'node:os';
import type { EventRecord, RecordOrigin } from '../core/event.js';

/** A record on the wire: `id` is the globally unique {@link EventRecord.uid}. */
export type CollectorRecord = Omit<EventRecord, 'id' | 'uid'> & {
  readonly id: string;
  readonly service?: string;
  readonly host: string;
  readonly environment?: string;
  readonly release?: string;
};

/**
 * A function stamping records with `origin` (its unset fields left out, `host` defaulting to this
 * machine's name). The stamp is built once, so each record costs one object.
 * @example
 * const stamp = collectorRecords({ service: 'checkout', environment: 'production' });
 * JSON.stringify(stamp(record)); // {"id":"0193…","service":"checkout","host":"web-1","environment":"production",…}
 */
export function collectorRecords(origin: RecordOrigin = {}): (record: EventRecord) => CollectorRecord {
  const stamp = {
    ...(origin.service === undefined ? {} : { service: origin.service }),
    host: origin.host ?? hostname(),
    ...(origin.environment === undefined ? {} : { environment: origin.environment }),
    ...(origin.release === undefined ? {} : { release: origin.release }),
  };
  return ({ id: _counter, uid, ...rest }) => ({ id: uid, ...stamp, ...rest });
}
