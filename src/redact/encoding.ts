/**
 * Decoding and encoding helpers of the redactor: percent-encoding that keeps markers readable, and
 * decoding that never throws.
 * @module
 */

/** Percent-encodes, keeping the characters of our markers readable. */
export function encodeReadable(value: string): string {
  // ':' stays encoded: a decoded `key:value` could look like a new secret to a later scan.
  return encodeURIComponent(value).replace(/%5B/g, '[').replace(/%5D/g, ']');
}

export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

export function decodeUtf8(base64: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(base64, 'base64'));
  } catch {
    return undefined;
  }
}
