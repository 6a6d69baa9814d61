import type { EventRecord } from '../../src/core/event.js';
import type { Level } from '../../src/core/level.js';

let nextId = 1;

/** A normalised record for tests; ids increase across calls unless given. */
export function record(partial: Partial<EventRecord> & { level?: Level } = {}): EventRecord {
  const id = partial.id ?? nextId++;
  return {
    id,
    // Derived from the id, so that two calls with the same partial give equal records.
    uid: partial.uid ?? `00000000-0000-7000-8000-${Math.abs(id).toString(16).padStart(12, '0')}`,
    level: partial.level ?? 'info',
    kind: partial.kind ?? 'log',
    time: partial.time ?? 1_700_000_000_000,
    fields: partial.fields ?? {},
    tags: partial.tags ?? [],
    truncated: partial.truncated ?? false,
    ...partial,
  };
}
