/**
 * Random identifiers in lowercase hex, drawn from a pooled buffer so that a request id, a trace id
 * or a record id costs a slice of memory, not a call into the OS per request.
 * @module
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4_096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;
const MAX_UNIX_MS = 2 ** 48 - 1;

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

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Collectors get
 * ids that are unique across processes and hosts, and that sort (and index) by the time they were
 * made; within one millisecond the order is random, which no reader relies on.
 * @example
 * uuidV7(Date.now()); // '0193a1f2-6c4e-7b1d-9f0a-3c5e8d2b7a41'
 */
export function uuidV7(unixMs: number): string {
  const ms = Math.min(Math.max(Math.floor(unixMs) || 0, 0), MAX_UNIX_MS);
  const time = ms.toString(16).padStart(12, '0');
  const r = randomHex(10);
  // The variant's two high bits are 10: the nibble is 8, 9, a or b.
  const variant = ((Number.parseInt(r.slice(3, 4), 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${r.slice(0, 3)}-${variant}${r.slice(4, 7)}-${r.slice(7, 19)}`;
}
