/**
 * Durations as offpath records them: milliseconds rounded to the microsecond. `performance.now()`
 * differences carry float noise far below what a clock can measure (`12.345678901234`); three
 * decimals keep what is real and keep records short.
 * @module
 */

/**
 * `ms` rounded to three decimals (the nearest microsecond).
 * @example
 * toMicroseconds(12.3456789); // 12.346
 */
export function toMicroseconds(ms: number): number {
  return Math.round(ms * 1_000) / 1_000;
}
