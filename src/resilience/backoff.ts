/**
 * Delays between attempts: exponential growth, a ceiling, and jitter so many clients do not retry in step.
 * @module
 */

/**
 * - `none`: exactly the exponential delay.
 * - `full`: uniform in [0, exponential delay] (spreads retries the most).
 * - `decorrelated`: uniform in [initial, min(max, previous × 3)]; grows on average but never in lock-step.
 */
export type JitterMode = 'none' | 'full' | 'decorrelated';

/**
 * A {@link JitterMode}, or a factor `f` in [0, 1]: the exponential delay varied uniformly by ±f
 * (`0.2` gives 80 % to 120 % of it, never above the ceiling).
 */
export type Jitter = JitterMode | number;

/** The shape of a backoff. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. @default 1000 */
  readonly initialDelayMs?: number;
  /** Ceiling of every delay, in ms. @default 30_000 */
  readonly maxDelayMs?: number;
  /** Growth factor per attempt. @default 2 */
  readonly multiplier?: number;
  /** How delays are randomised. @default 'full' */
  readonly jitter?: Jitter;
  /** Uniform random numbers in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/** The delay of retry number `attempt` (1 for the first retry) without jitter: grown, then capped. */
export function exponentialDelayMs(
  attempt: number,
  initialDelayMs: number,
  maxDelayMs: number,
  multiplier: number,
): number {
  return Math.min(maxDelayMs, initialDelayMs * multiplier ** Math.max(0, attempt - 1));
}

/**
 * The delay before retry number `attempt` (1 for the first retry). `previousDelayMs` feeds decorrelated
 * jitter (the first retry uses `initialDelayMs`). Results are whole milliseconds within the bounds of
 * the mode, never above `maxDelayMs`.
 * @example
 * backoffDelayMs(3, undefined, { initialDelayMs: 500, jitter: 'none' }); // 2000
 */
export function backoffDelayMs(
  attempt: number,
  previousDelayMs: number | undefined,
  options: BackoffOptions = {},
): number {
  const {
    initialDelayMs = 1000,
    maxDelayMs = 30_000,
    multiplier = 2,
    jitter = 'full',
    random = Math.random,
  } = options;
  if (typeof jitter === 'number') {
    const base = exponentialDelayMs(attempt, initialDelayMs, maxDelayMs, multiplier);
    return Math.min(maxDelayMs, Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1)))));
  }
  switch (jitter) {
    case 'none':
      return Math.round(exponentialDelayMs(attempt, initialDelayMs, maxDelayMs, multiplier));
    case 'full':
      return Math.floor(random() * exponentialDelayMs(attempt, initialDelayMs, maxDelayMs, multiplier));
    case 'decorrelated': {
      const low = Math.min(initialDelayMs, maxDelayMs);
      const high = Math.max(low, Math.min(maxDelayMs, (previousDelayMs ?? initialDelayMs) * 3));
      return Math.min(high, Math.floor(low + random() * (high - low)));
    }
    default:
      throw new TypeError(`backoff: unknown jitter mode ${String(jitter)}`);
  }
}
