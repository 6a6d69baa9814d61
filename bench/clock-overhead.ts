/**
 * The cost of timing a call with two `process.hrtime.bigint()` reads, measured the same way a
 * benchmark times its calls, so it can be subtracted and the reported cost is the call's own.
 */
import { percentile } from './types.js';

/** Median ns between two back-to-back `process.hrtime.bigint()` reads. */
export function clockOverheadNs(reads = 100_000): number {
  const empty = new Float64Array(reads);
  for (let i = 0; i < empty.length; i++) {
    const t0 = process.hrtime.bigint();
    empty[i] = Number(process.hrtime.bigint() - t0);
  }
  empty.sort();
  return percentile(empty, 0.5);
}
