/**
 * The pipeline's lanes, one per destination, with the fallback chains between them and the lanes a
 * reload retired (they drain, then keep their ledger so the totals still add up). Owns what spans
 * every lane: per-destination snapshots, the memory they hold and the shedding that keeps it inside
 * the budget.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { type FallbackSpec, Fallbacks, type Handover } from './fallbacks.js';
import { Lane } from './lane.js';
import type { LaneContext, LaneSettings } from './lane-settings.js';
import { type LedgerSnapshot, sumLedgers } from './ledger.js';

/** How one destination's records are prepared and where what it cannot deliver goes. */
export interface LaneSpec extends LaneSettings, FallbackSpec {
  /** Redaction (or any last transformation) for this destination. */
  readonly prepare: (record: EventRecord) => EventRecord;
}

export class LaneSet {
  readonly #context: LaneContext;
  readonly #lanes = new Map<string, Lane>();
  readonly #specs = new Map<string, LaneSpec>();
  readonly #retired: Lane[] = [];
  /** Rebuilt when lanes come and go, so a chain always names lanes that exist. */
  #fallbacks: Fallbacks;

  /** @throws TypeError when fallbacks form a loop (a config that says so is refused before this) */
  constructor(specs: readonly LaneSpec[], context: LaneContext) {
    this.#context = context;
    this.#fallbacks = new Fallbacks(specs);
    for (const spec of specs) this.#install(spec);
  }

  /** Adds a destination's lane at runtime (live reload). @throws TypeError when the name is taken. */
  add(spec: LaneSpec): void {
    if (this.#lanes.has(spec.name)) throw new TypeError(`a lane named "${spec.name}" already exists`);
    this.#fallbacks = new Fallbacks([...this.#specs.values(), spec]);
    this.#install(spec);
  }

  /** Takes a lane out at once (a lane of the same name may be added right after); it stays counted. */
  retire(name: string): Lane | undefined {
    const lane = this.#lanes.get(name);
    if (!lane) return undefined;
    this.#lanes.delete(name);
    this.#specs.delete(name);
    this.#fallbacks = new Fallbacks([...this.#specs.values()]);
    this.#retired.push(lane);
    return lane;
  }

  get(name: string): Lane | undefined {
    return this.#lanes.get(name);
  }

  spec(name: string): LaneSpec | undefined {
    return this.#specs.get(name);
  }

  /** The active lanes with their specs. */
  *entries(): IterableIterator<readonly [Lane, LaneSpec]> {
    for (const [name, lane] of this.#lanes) yield [lane, this.#specs.get(name)!];
  }

  get active(): readonly Lane[] {
    return [...this.#lanes.values()];
  }

  get names(): readonly string[] {
    return [...this.#lanes.keys()];
  }

  /** The lane counting `destination`: the active one, else the last one retired under that name. */
  counting(destination: string): Lane | undefined {
    return this.#lanes.get(destination) ?? this.#retired.findLast((l) => l.name === destination);
  }

  /**
   * Ledger snapshots by destination (a retired lane adds to the active lane of its name) and those of
   * retired destinations that no longer exist.
   */
  snapshots(): { destinations: Record<string, LedgerSnapshot>; gone: LedgerSnapshot[] } {
    const destinations: Record<string, LedgerSnapshot> = {};
    for (const [name, lane] of this.#lanes) destinations[name] = lane.ledger.snapshot();
    const gone: LedgerSnapshot[] = [];
    for (const lane of this.#retired) {
      const current = destinations[lane.name];
      if (current) destinations[lane.name] = sumLedgers([current, lane.ledger.snapshot()]);
      else gone.push(lane.ledger.snapshot());
    }
    return { destinations, gone };
  }

  /** Memory held by every lane: the sum of their ledgers, the one count of it. */
  memoryBytes(): number {
    let bytes = 0;
    for (const lane of this.#lanes.values()) bytes += lane.ledger.bytes;
    for (const lane of this.#retired) bytes += lane.ledger.bytes;
    return bytes;
  }

  /** Sheds the lowest-ranked record of any lane until the lanes hold no more than `budgetBytes`. */
  enforceBudget(budgetBytes: number): void {
    while (this.memoryBytes() > budgetBytes) {
      let victim: Lane | undefined;
      let lowest = Number.POSITIVE_INFINITY;
      for (const lane of this.#lanes.values()) {
        const rank = lane.lowestRank();
        if (rank >= 0 && rank < lowest) {
          lowest = rank;
          victim = lane;
        }
      }
      if (!victim?.shedLowest()) return;
    }
  }

  /** Where records a destination could not deliver go on to, by its fallback chain. */
  fallbackOf(...args: Parameters<Fallbacks['route']>): Handover | undefined {
    return this.#fallbacks.route(...args);
  }

  #install(spec: LaneSpec): void {
    this.#specs.set(spec.name, spec);
    const handOffWhenOpen = this.#fallbacks.whenOpen(spec.name);
    this.#lanes.set(spec.name, new Lane({ ...spec, handOffWhenOpen }, this.#context));
  }
}
