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
 * machine's name). The stamped record is one object literal of a fixed shape: faster to build and
 * to stringify than a copy by spread, and `satisfies` keeps it complete when the record grows.
 * @example
 * const stamp = collectorRecords({ service: 'checkout', environment: 'production' });
 * JSON.stringify(stamp(record)); // {"id":"0193…","service":"checkout","host":"web-1","environment":"production",…}
 */
export function collectorRecords(origin: RecordOrigin = {}): (record: EventRecord) => CollectorRecord {
  const { service, environment, release } = origin;
  const host = origin.host ?? hostname();
  // Undefined values are left out by JSON.stringify, the only reader of these objects.
  return (r) =>
    ({
      id: r.uid,
      service,
      host,
      environment,
      release,
      level: r.level,
      kind: r.kind,
      time: r.time,
      title: r.title,
      message: r.message,
      fields: r.fields,
      tags: r.tags,
      fingerprint: r.fingerprint,
      error: r.error,
      http: r.http,
      digest: r.digest,
      truncated: r.truncated,
    }) satisfies Record<keyof CollectorRecord, unknown>;
}
