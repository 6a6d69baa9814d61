/** Severity levels, lowest first. @module */

/** The six levels an event can carry. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'critical'] as const;

/** A severity level. */
export type Level = (typeof LEVELS)[number];

const RANK: Readonly<Record<Level, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, critical: 5 };

/** Numeric rank of a level (trace = 0 … critical = 5). */
export function levelRank(level: Level): number {
  return RANK[level];
}

/** True when `value` names a level. */
export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}
