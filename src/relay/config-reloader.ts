/**
 * Live reload (`POST /v1/reload`, SIGHUP): re-reads the config and applies it to the running
 * instance. A config that is invalid, or changes what only a restart can, leaves the running one in
 * place and is reported three ways: the log, `/readyz` (until a reload succeeds) and
 * `offpath_config_reload_failures_total`. Reloads run one at a time.
 * @module
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ValidConfig } from '../config/config-schema.js';
import type { Offpath } from '../instance/create-offpath.js';
import type { ReconfigurePlan } from '../instance/plan-reconfigure.js';
import { ConfigError, type ConfigIssue } from '../resilience/errors.js';
import type { Readiness } from '../server/readiness.js';

/** What one reload did. */
export type ReloadOutcome =
  | ({ readonly ok: true } & ReconfigurePlan)
  | { readonly ok: false; readonly error: string; readonly issues: readonly ConfigIssue[] };

/** Settings of {@link ConfigReloader}. */
export interface ConfigReloaderOptions {
  readonly instance: Offpath;
  /** Re-reads the config; throws ConfigError when invalid. Undefined when there is no file to re-read. */
  readonly load: (() => ValidConfig) | undefined;
  /** Applies what the reload means for the server (tokens), after the instance took the config. */
  readonly applyServer: (config: ValidConfig) => void;
  /** Refuses changes the server cannot apply while running; returns the reasons. */
  readonly serverRestartOnly: (current: ValidConfig, next: ValidConfig) => readonly string[];
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly log: (line: string) => void;
}

/** Reloads the config of one relay. */
export class ConfigReloader {
  readonly #o: ConfigReloaderOptions;
  readonly #failures: Counter;
  readonly #successes: Counter;
  readonly #lastSuccess: Gauge;
  #lastError: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ConfigReloaderOptions) {
    this.#o = options;
    const registers = [options.registry];
    this.#failures = new Counter({
      name: 'offpath_config_reload_failures_total',
      help: 'Reloads refused because the new config was invalid or needed a restart.',
      registers,
    });
    this.#successes = new Counter({
      name: 'offpath_config_reloads_total',
      help: 'Reloads applied.',
      registers,
    });
    this.#lastSuccess = new Gauge({
      name: 'offpath_config_last_reload_success_timestamp_seconds',
      help: 'When the running config was loaded (start or last applied reload), in Unix seconds.',
      registers,
    });
    this.#lastSuccess.setToCurrentTime();
    options.readiness.add('config', () =>
      this.#lastError === undefined
        ? { ready: true }
        : {
            ready: false,
            reason: `the last reload failed, the previous config is still running: ${this.#lastError}`,
          },
    );
  }

  /** Re-reads and applies the config; `trigger` names the cause in the log. */
  reload(trigger: string): Promise<ReloadOutcome> {
    const run = this.#queue.then(() => this.#reload(trigger));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #reload(trigger: string): Promise<ReloadOutcome> {
    const { instance, log } = this.#o;
    try {
      if (!this.#o.load)
        throw ConfigError.fromIssues(
          'no config file to reload (the relay runs on its embedded defaults)',
          [],
        );
      const next = this.#o.load();
      const restart = this.#o.serverRestartOnly(instance.config, next);
      if (restart.length > 0) {
        throw ConfigError.fromIssues(
          'these settings apply on restart only (the running config is unchanged)',
          restart.map((path) => ({ path, message: 'changed', hint: 'restart offpath serve to apply it' })),
        );
      }
      const result = instance.reconfigure(next);
      this.#o.applyServer(next);
      this.#lastError = undefined;
      this.#successes.inc();
      this.#lastSuccess.setToCurrentTime();
      const { drained: _drained, ...plan } = result;
      log(
        `config reloaded (${trigger}): kept ${plan.kept.length}, added ${list(plan.added)}, changed ${list(plan.changed)}, removed ${list(plan.removed)}`,
      );
      return { ok: true, ...plan };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#lastError = message.split('\n')[0];
      this.#failures.inc();
      log(`config reload failed (${trigger}); the previous config keeps running: ${message}`);
      return { ok: false, error: message, issues: error instanceof ConfigError ? [...error.issues] : [] };
    }
  }
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}
