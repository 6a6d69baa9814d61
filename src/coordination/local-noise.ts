/**
 * The in-process store behind {@link SharedNoise}: the same claim / contribute / close rules as the
 * Redis store, for one process. Used when coordination has no Redis, and while Redis is unreachable.
 * @module
 */
import { levelRank } from '../core/level.js';
import type { NoiseClaim, NoiseTally, SharedNoise } from './ports.js';
import { WINDOW_GRACE_MS } from './redis/noise-store.js';

interface LocalWindow {
  readonly until: number;
  tally: NoiseTally | undefined;
}

/** Windows kept at most; past it the oldest is forgotten (its owner closes nothing, repeats are not lost: they were counted by whoever merged them). */
const MAX_WINDOWS = 10_000;

export class LocalNoise implements SharedNoise {
  /** Insertion order is claim order. */
  readonly #windows = new Map<string, LocalWindow>();

  claim(fingerprints: readonly string[], cooldownMs: number, now: number): Promise<readonly NoiseClaim[]> {
    return Promise.resolve(
      fingerprints.map((fingerprint): NoiseClaim => {
        const open = this.#windows.get(fingerprint);
        if (open && now < open.until + WINDOW_GRACE_MS) return { owner: false, until: open.until };
        this.#windows.delete(fingerprint);
        if (this.#windows.size >= MAX_WINDOWS) this.#windows.delete(this.#windows.keys().next().value!);
        const until = now + cooldownMs;
        this.#windows.set(fingerprint, { until, tally: undefined });
        return { owner: true, until };
      }),
    );
  }

  contribute(fingerprint: string, tally: NoiseTally): Promise<boolean> {
    const open = this.#windows.get(fingerprint);
    if (!open) return Promise.resolve(false);
    open.tally = merge(open.tally, tally);
    return Promise.resolve(true);
  }

  close(fingerprint: string): Promise<NoiseTally | undefined> {
    const open = this.#windows.get(fingerprint);
    this.#windows.delete(fingerprint);
    return Promise.resolve(open?.tally);
  }
}

/** Two tallies of the same fingerprint as one. */
export function merge(a: NoiseTally | undefined, b: NoiseTally): NoiseTally {
  if (!a) return b;
  return {
    count: a.count + b.count,
    firstTime: Math.min(a.firstTime, b.firstTime),
    lastTime: Math.max(a.lastTime, b.lastTime),
    level: levelRank(b.level) > levelRank(a.level) ? b.level : a.level,
  };
}
