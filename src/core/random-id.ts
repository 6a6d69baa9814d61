/**
 * Random identifiers in lowercase hex: request and trace ids drawn from a pooled buffer, so that one
 * costs a slice of memory, not a call into the OS per request; and record ids (UUID version 7).
 * @module
 */
import { randomFillSync, randomUUID } from 'node:crypto';

const POOL_BYTES = 4_096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;
const MAX_UNIX_MS = 2 ** 48 - 1;
let prefixMs = -1;
let prefix = '';

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
 *
 * The random bits are those of a version 4 UUID from `crypto.randomUUID()`, whose entropy cache
 * makes it cheaper than any slicing of random bytes here; its first 48 bits and its version digit
 * give way to the time and the 7. The time prefix is kept for the millisecond it was made for.
 * @example
 * uuidV7(Date.now()); // '0193a1f2-6c4e-7b1d-9f0a-3c5e8d2b7a41'
 */
export function uuidV7(unixMs: number): string {
  const ms = Math.min(Math.max(Math.floor(unixMs) || 0, 0), MAX_UNIX_MS);
  if (ms !== prefixMs) {
    const hex = ms.toString(16).padStart(12, '0');
    prefix = `${hex.slice(0, 8)}-${hex.slice(8)}`;
    prefixMs = ms;
  }
  // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx: keep from the digits after the 4 (the variant stays 10).
  return `${prefix}-7${randomUUID().slice(15)}`;
}
