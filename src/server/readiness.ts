/**
 * Readiness checks: each feature adds the conditions under which this instance should receive
 * traffic; `/readyz` is ready when all pass. Liveness (`/healthz`) never consults them.
 * @module
 */

/** One check's verdict. */
export interface CheckResult {
  readonly ready: boolean;
  /** Why it is not ready (shown in `/readyz`). */
  readonly reason?: string;
  /** A state worth knowing even while ready, such as a degraded mode (shown in `/readyz` under `details`). */
  readonly detail?: string;
}

/** What {@link Readiness.evaluate} found. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** Why, per failing check. */
  readonly reasons: Readonly<Record<string, string>>;
  /** The details checks gave, ready or not. */
  readonly details: Readonly<Record<string, string>>;
}

/** The checks of one service. */
export class Readiness {
  readonly #checks = new Map<string, () => CheckResult>();

  /** Adds a named check. @throws TypeError when the name is taken. */
  add(name: string, check: () => CheckResult): void {
    if (this.#checks.has(name)) throw new TypeError(`readiness check "${name}" already exists`);
    this.#checks.set(name, check);
  }

  /** Runs every check; a check that throws counts as not ready. */
  evaluate(): ReadinessReport {
    const reasons: Record<string, string> = {};
    const details: Record<string, string> = {};
    for (const [name, check] of this.#checks) {
      try {
        const result = check();
        if (!result.ready) reasons[name] = result.reason ?? 'not ready';
        if (result.detail !== undefined) details[name] = result.detail;
      } catch (error) {
        reasons[name] = `check failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return { ready: Object.keys(reasons).length === 0, reasons, details };
  }
}
