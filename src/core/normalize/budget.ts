/**
 * A running size budget shared by everything normalised into one record, so that the record as a
 * whole stays under `maxRecordBytes` however its size is spread over fields, body and stack.
 * @module
 */

/** Tracks characters spent and whether anything was cut. */
export class Budget {
  spent = 0;
  truncated = false;
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get remaining(): number {
    return Math.max(0, this.#max - this.spent);
  }

  /** Cuts `text` to `limit` and to what the budget has left, marking the cut; spends the result. */
  take(text: string, limit: number): string {
    const allowed = Math.min(limit, this.remaining);
    const out = cut(text, allowed);
    if (out !== text) this.truncated = true;
    this.spent += out.length + 2;
    return out;
  }

  /** Spends a fixed amount for structure (keys, punctuation, numbers). */
  spend(n: number): void {
    this.spent += n;
  }
}

/**
 * Cuts at a UTF-16 boundary that does not split a surrogate pair, then replaces lone surrogates so the
 * result is always valid Unicode, and appends a marker saying how much was dropped.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return wellFormed(text);
  const marker = `…[truncated ${text.length - max} chars]`;
  let end = Math.max(0, max - marker.length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${wellFormed(text.slice(0, end))}${marker}`;
}

/** Replaces lone surrogates with U+FFFD. */
export function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}
