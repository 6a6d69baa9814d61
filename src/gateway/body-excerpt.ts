/**
 * The first bytes of a body that streams through the proxy, for its trace: at most `limit` bytes are
 * copied (once, as they pass), so a 1 GB stream costs the trace no more than its excerpt; the total
 * size is counted on.
 * @module
 */
export class BodyExcerpt {
  readonly #limit: number;
  readonly #parts: Buffer[] = [];
  #kept = 0;
  /** Bytes seen in all. */
  size = 0;

  /** @param limit bytes to keep; 0 keeps none */
  constructor(limit: number) {
    this.#limit = limit;
  }

  add(chunk: Buffer): void {
    this.size += chunk.length;
    const room = this.#limit - this.#kept;
    if (room <= 0) return;
    // A copy: holding a slice would keep the whole chunk (and its pool) alive as long as the trace.
    const part = Buffer.from(chunk.subarray(0, room));
    this.#parts.push(part);
    this.#kept += part.length;
  }

  /** The kept bytes, or undefined when nothing was seen. */
  bytes(): Buffer | undefined {
    if (this.size === 0) return undefined;
    return this.#parts.length === 1 ? this.#parts[0] : Buffer.concat(this.#parts);
  }

  get truncated(): boolean {
    return this.size > this.#kept;
  }
}
