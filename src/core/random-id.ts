/**
 * Random identifiers in lowercase hex, drawn from a pooled buffer so that a request id or a trace id
 * costs a slice of memory, not a call into the OS per request.
 * @module
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4_096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `bytes` random bytes as `2 × bytes` lowercase hex characters; never all zeros (W3C trace context
 * forbids all-zero trace and span ids).
 */
export function randomHex(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += bytes;
  const hex = pool.toString('hex', start, start + bytes);
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}
