/**
 * A parcel: records that move through a destination's delivery states together (one queued record,
 * one formatted message), with the deliveries they stand for and the memory they hold.
 * @module
 */
import type { EventRecord } from '../core/event.js';

/** Records that move together. */
export interface Parcel {
  readonly records: readonly EventRecord[];
  /** Deliveries these records stand for: a digest counts as the events it merged. */
  readonly weight: number;
  /** Memory the records hold (the normaliser's estimate), released when they leave memory. */
  readonly bytes: number;
  /** Each record's share of `bytes`, in the order of `records` (a fallback takes them in with it). */
  readonly sizes: readonly number[];
}

/**
 * Deliveries a record stands for in the ledger: 1, or the events a digest merged in this process (a
 * digest shared with other processes shows their repeats too, but settles only its own).
 */
export function weightOf(record: EventRecord): number {
  return record.digest ? (record.digest.accounted ?? record.digest.count) : 1;
}

/** A parcel of records with each one's bytes. */
export function parcelOf(records: readonly EventRecord[], sizes: readonly number[]): Parcel {
  let weight = 0;
  let bytes = 0;
  for (const r of records) weight += weightOf(r);
  for (const b of sizes) bytes += b;
  return { records, weight, bytes, sizes };
}
