/**
 * Where a destination's records go when it cannot deliver them: to its fallback, when its circuit
 * opens, when it dead-letters them, or both. A fallback takes them at its own `minLevel`, with their
 * real bytes. Fallbacks never form a
 * loop, so a record moves down a chain one hop at a time and never comes back.
 * @module
 */
import { type Level, levelRank } from '../core/level.js';
import type { DeadLetterReason } from './ledger.js';
import type { Parcel } from './parcel.js';

/** When a destination hands records to its fallback. */
export type FallbackOn = 'both' | 'circuit-open' | 'dead-letter';

/** What fallback routing needs to know of a destination. */
export interface FallbackSpec {
  readonly name: string;
  /** Destination that receives what this one cannot deliver. */
  readonly fallback?: string | undefined;
  /** @default 'both' */
  readonly fallbackOn?: FallbackOn | undefined;
  /** The destination's own minLevel, applied to what it receives as a fallback. */
  readonly minLevel?: Level | undefined;
}

/** Records handed to a fallback, each with its bytes. */
export interface Handover {
  readonly to: string;
  readonly records: ReadonlyArray<{ readonly record: Parcel['records'][number]; readonly bytes: number }>;
}

export class Fallbacks {
  readonly #specs: ReadonlyMap<string, FallbackSpec>;

  /** @throws TypeError when fallbacks form a loop (a config that says so is refused before this) */
  constructor(specs: readonly FallbackSpec[]) {
    this.#specs = new Map(specs.map((s) => [s.name, s]));
    for (const start of this.#specs.keys()) {
      const seen = new Set([start]);
      for (let at = this.#target(start); at !== undefined; at = this.#target(at.name)) {
        if (seen.has(at.name)) throw new TypeError(`fallbacks form a loop through "${at.name}"`);
        seen.add(at.name);
      }
    }
  }

  /** Whether `name` hands what it holds to its fallback while its circuit is open. */
  whenOpen(name: string): boolean {
    return this.#target(name) !== undefined && this.#specs.get(name)?.fallbackOn !== 'dead-letter';
  }

  /** The records of `parcel` that `from`'s fallback takes, or undefined when it takes none. */
  route(from: string, parcel: Parcel, reason: DeadLetterReason): Handover | undefined {
    const target = this.#target(from);
    const on = this.#specs.get(from)?.fallbackOn ?? 'both';
    if (!target || ((on === 'circuit-open') !== (reason === 'circuit_open') && on !== 'both'))
      return undefined;
    const floor = levelRank(target.minLevel ?? 'trace');
    const records = parcel.records
      .map((record, i) => ({ record, bytes: parcel.sizes[i] ?? 0 }))
      .filter(({ record }) => levelRank(record.level) >= floor);
    return records.length === 0 ? undefined : { to: target.name, records };
  }

  #target(name: string): FallbackSpec | undefined {
    const fallback = this.#specs.get(name)?.fallback;
    return fallback === undefined ? undefined : this.#specs.get(fallback);
  }
}
