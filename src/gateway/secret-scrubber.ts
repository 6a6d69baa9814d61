/**
 * Removes a proxy's own secrets (the upstream credentials it adds, the tokens its clients present)
 * wherever they could surface: an upstream that echoes a key in a header or an error body. Exact
 * values are known here, so this catches what no pattern could; the instance's redactor still runs
 * on every trace afterwards.
 * @module
 */

/** What a secret is replaced with in a trace or a header. */
export const SCRUBBED = '[REDACTED:proxy-credential]';

export class SecretScrubber {
  readonly #secrets: readonly string[];
  readonly #bytes: readonly Buffer[];

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets;
    this.#bytes = secrets.map((s) => Buffer.from(s));
  }

  get empty(): boolean {
    return this.#secrets.length === 0;
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join(SCRUBBED);
    return out;
  }

  /** Bytes: unchanged (the same buffer) unless a secret occurs in them. */
  bytes(value: Buffer): Buffer {
    let out = value;
    for (const secret of this.#bytes) {
      if (out.indexOf(secret) === -1) continue;
      const parts: Buffer[] = [];
      let from = 0;
      for (let at = out.indexOf(secret); at !== -1; at = out.indexOf(secret, from)) {
        parts.push(out.subarray(from, at), Buffer.from(SCRUBBED));
        from = at + secret.length;
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
    }
    return out;
  }

  /** Header values (an object undici parsed for one response), scrubbed in place. */
  headers(headers: Record<string, string | string[] | undefined>): void {
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === 'string') headers[name] = this.text(value);
      else if (Array.isArray(value)) headers[name] = value.map((v) => this.text(v));
    }
  }
}
