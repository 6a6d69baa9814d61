/**
 * `offpath serve [--config FILE] [--host H] [--port P]`: runs the relay in the foreground until
 * SIGTERM or SIGINT (drain, flush, spool the rest, exit 0); SIGHUP reloads the config file. Without a
 * config file it runs the embedded defaults (console destination, durable spool in the data dir).
 * @module
 */

import type { ValidConfig } from '../../config/config-schema.js';
import { describeConfigSource, findConfigSource, loadConfigSource } from '../../config/config-source.js';
import { validateConfig } from '../../config/validate-config.js';
import { embeddedConfig, SERVE_DEFAULTS } from '../../relay/serve-defaults.js';
import { type Relay, startRelay } from '../../relay/start-relay.js';
import { configSourceFrom } from '../config-option.js';
import { EXIT, UsageError } from '../exit-codes.js';

/** Options of the serve command. */
export interface ServeOptions {
  readonly config?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Log lines (stderr in the CLI). */
  readonly log: (line: string) => void;
}

/** Runs the relay; resolves with the exit code once it has stopped. */
export async function serveCommand(options: ServeOptions): Promise<number> {
  if (
    options.port !== undefined &&
    (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535)
  ) {
    throw new UsageError('--port must be a whole number from 0 to 65535');
  }
  const env = options.env ?? process.env;
  // The same lookup as every command (a missing --config file is a usage error); none found → embedded.
  const source = options.config === undefined ? findConfigSource(env) : configSourceFrom(options.config, env);
  const load = (): ValidConfig =>
    source ? loadConfigSource(source, env) : validateConfig(embeddedConfig(SERVE_DEFAULTS.dataDir));
  let config: ValidConfig;
  try {
    config = load();
  } catch (error) {
    options.log(`offpath serve: ${message(error)}`);
    return EXIT.failed;
  }
  if (!source) {
    // The embedded config keeps its spool in the configured data dir, when one is given by env or flag.
    options.log(
      `no config file: running the embedded defaults (console destination, durable spool in ${SERVE_DEFAULTS.dataDir}/)`,
    );
  } else {
    options.log(`config: ${describeConfigSource(source)}`);
  }
  // Signals are handled from the start: one arriving while the relay starts must not kill it.
  let relay: Relay | undefined;
  let stopRequested: string | undefined;
  let stopped!: (code: number) => void;
  const done = new Promise<number>((resolve) => {
    stopped = resolve;
  });
  const stop = (signal: string): void => {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    process.off('SIGHUP', onHup);
    options.log(`${signal} received`);
    if (relay) void relay.shutdown().then(() => stopped(EXIT.ok));
    else stopRequested = signal;
  };
  const onTerm = (): void => stop('SIGTERM');
  const onInt = (): void => stop('SIGINT');
  const onHup = (): void => {
    if (relay) void relay.reload('SIGHUP');
    else options.log('SIGHUP received while starting: ignored');
  };
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  process.on('SIGHUP', onHup);
  try {
    relay = await startRelay({
      config,
      ...(source ? { loadConfig: load } : {}),
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
      env,
      log: options.log,
    });
  } catch (error) {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    process.off('SIGHUP', onHup);
    options.log(`offpath serve: ${message(error)}`);
    // An invalid config and an address that cannot be bound both mean the operation failed (exit 1).
    return EXIT.failed;
  }
  if (stopRequested) void relay.shutdown().then(() => stopped(EXIT.ok));
  return done;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
