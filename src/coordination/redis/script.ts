/**
 * A Lua script called by its SHA1 (EVALSHA), loaded with EVAL only when Redis does not know it yet
 * (first call, or after a restart emptied the script cache): one round trip per call otherwise.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A script and its SHA1. */
export class RedisScript {
  readonly sha: string;
  readonly #lua: string;

  constructor(lua: string) {
    this.#lua = lua;
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** Runs the script with `keys` and `args`. */
  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return client.eval(this.#lua, keys.length, ...keys, ...args);
    }
  }
}
