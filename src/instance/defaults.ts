/**
 * Every default of an instance in one place, so the docs table and the code cannot drift apart.
 * @module
 */

/** Instance-wide defaults. */
export const INSTANCE_DEFAULTS = {
  /**
   * Events waiting between `emit()` and routing. High, so a synchronous burst is accepted: the intake
   * holds references only (in chunks taken as needed), and what the lanes hold is bounded in bytes.
   */
  intakeCapacity: 100_000,
  /** Memory held by all lanes together before the lowest levels are shed. */
  memoryBudgetBytes: 64 * 1024 * 1024,
  /** Longest stretch of pipeline work in one event-loop turn (keeps the host's event-loop delay low). */
  sliceMs: 2,
  /** Longest Retry-After honoured; longer waits are capped. */
  retryAfterCapMs: 300_000,
  /** Deadline of `close()` when none is given. */
  closeTimeoutMs: 5_000,
  /** Deadline of `flush()` when none is given. */
  flushTimeoutMs: 10_000,
} as const;

/** Per-destination defaults. */
export const LANE_DEFAULTS = {
  /** A backstop only: the bytes bound binds first (8 MiB is about 25,000 records of 200 bytes). */
  maxQueueItems: 50_000,
  /** Memory one destination may hold: queued, batched, waiting for a retry and in flight. */
  maxQueueBytes: 8 * 1024 * 1024,
  overflow: 'drop-oldest',
  maxBatchSize: 50,
  maxBatchDelayMs: 1_000,
  sendTimeoutMs: 10_000,
  maxEventAgeMs: 3_600_000,
  defaultRateLimitWaitMs: 1_000,
  /**
   * The retry preset when `retry` is not given (10 attempts from 1 s, doubling to 30 s): three attempts
   * under 25 % transient faults dead-letter 1.6 % of batches, ten attempts one in a million.
   */
  retry: 'persistent',
} as const;

/**
 * When a destination's open circuit is probed (RESILIENCE.md, "Recovery"): every second, without
 * growing. A probe is one cheap request (an HTTP collector's HEAD, which posts nothing; elsewhere one
 * batch, which spends none of its attempts), so probing often costs nearly nothing, and delivery
 * resumes about a second after the destination comes back, within a few seconds even when some
 * probes still fail (a growing period would wait longer after each of them). The presets keep
 * their thresholds.
 */
export const BREAKER_SCHEDULE = {
  recoveryTimeoutMs: 1_000,
  recoveryMultiplier: 1,
  maxRecoveryTimeoutMs: 1_000,
} as const;

/**
 * The retry budget of a destination: retries may add half of the first attempts, and 10 per window
 * always. Under 30 % transient faults retries add about 43 % (0.3 / 0.7), so a flaky destination is not
 * slowed down; a worse one is held to 1.5 times its traffic, and the breaker stops a dead one.
 */
export const RETRY_BUDGET = { ratio: 0.5, windowMs: 10_000, minRetriesPerWindow: 10 } as const;

/** Noise control for chat destinations, where every message is read by a person. */
export const CHAT_NOISE_DEFAULTS = {
  cooldownMs: 60_000,
  bypassLevel: 'critical',
  storm: { afterMs: 60_000, windowMs: 60_000, topGroups: 10 },
  maxFingerprints: 10_000,
} as const;

/** Destination types whose messages people read, and which get noise control by default. */
export const CHAT_TYPES: ReadonlySet<string> = new Set(['discord', 'telegram', 'slack']);
