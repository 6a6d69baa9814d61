/**
 * The spool's settings, figures and defaults.
 * @module
 */
import type { SpoolLossReason } from '../pipeline/spool-port.js';
import type { DeadLetterStats } from './dead-letter-sweeper.js';
import type { MovedAside } from './open-spool.js';
import type { SyncJournalStats } from './sync-journal.js';

/** Spool settings (the `spool` section of the config, minus the path). */
export interface SpoolOptions {
  /**
   * Keep every accepted delivery on disk until its destination acknowledges it: `true` writes behind
   * (emit() stays O(1), the last event-loop turn before a crash can be lost); `'sync'` also appends each
   * event, normalised and redacted, to the emit journal before emit() returns (nothing accepted is
   * lost to a crash of the process, at the cost of that work on the caller's stack). @default false
   */
  readonly durable?: boolean | 'sync' | undefined;
  /** Records older than this are dropped (counted as dropped:expired). @default 604_800_000 (7 days) */
  readonly ttlMs?: number | undefined;
  /** Size cap of stored records; the oldest go first (counted as dropped:spool_full). @default 268_435_456 (256 MiB) */
  readonly maxBytes?: number | undefined;
  /** Spill everything for a destination while its circuit is open. @default false */
  readonly whenBreakerOpen?: boolean | undefined;
  /** Rows the in-memory hand-off may hold before spilling is refused. @default 100_000 */
  readonly maxPending?: number | undefined;
  /** Bounds of the dead-letter table; what they evict is counted, not dropped again. */
  readonly deadLetters?: DeadLetterOptions | undefined;
}

/** How long dead letters are kept and how much room they may take (`spool.deadLetters`). */
export interface DeadLetterOptions {
  /** Letters older than this are evicted (counted as evicted: expired). @default 604_800_000 (7 days) */
  readonly ttlMs?: number | undefined;
  /**
   * Size cap of stored letters (records and error texts); the oldest go first (counted as
   * evicted: full). @default 67_108_864 (64 MiB)
   */
  readonly maxBytes?: number | undefined;
}

/** Figures reported in `stats().spool`. */
export interface SpoolStats {
  readonly path: string;
  readonly durable: boolean | 'sync';
  /** Records waiting to be fed back, per destination. */
  readonly backlog: Readonly<Record<string, number>>;
  readonly bytes: number;
  /** Rows waiting in the write-behind hand-off. */
  readonly handoff: number;
  /** Rows committed to disk since start. */
  readonly committed: number;
  readonly lost: Readonly<Partial<Record<SpoolLossReason, number>>>;
  /** Dead letters stored, their bytes, and how many this run evicted by reason. */
  readonly deadLetters: DeadLetterStats;
  /** The emit journal, in strict durable mode (`durable: 'sync'`). */
  readonly journal?: SyncJournalStats;
  /** Set when the file found at start was unusable and moved aside. */
  readonly movedAside?: MovedAside;
}

export const SPOOL_DEFAULTS = {
  ttlMs: 7 * 24 * 3_600_000,
  maxBytes: 256 * 1024 * 1024,
  maxPending: 100_000,
  deadLetters: { ttlMs: 7 * 24 * 3_600_000, maxBytes: 64 * 1024 * 1024 },
} as const;
