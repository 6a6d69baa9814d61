/**
 * `offpath check --config FILE [--probe]`: validates a config file and explains every problem; with
 * `--probe`, also checks every destination without posting a message where the platform allows it.
 * @module
 */
import type { ValidConfig } from '../../config/config-schema.js';
import { findConfigFile, loadConfigFile } from '../../config/load-config-file.js';
import { type ProbeResult, probeDestinations } from '../../instance/probe-destinations.js';
import { isOffpathError } from '../../resilience/errors.js';
import { type CommandResult, fail, ok } from '../io.js';
import { formatTable } from '../table.js';

/** Options of the check command. */
export interface CheckOptions {
  readonly config?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Also check every destination. @default false */
  readonly probe?: boolean;
  /** Deadline of each probe. @default 5_000 */
  readonly timeoutMs?: number;
  /** Print the probe results as JSON instead of a table. @default false */
  readonly json?: boolean;
}

/** Exit codes of `offpath check`, for scripts. */
export const CHECK_EXIT = {
  /** The config is valid and every probed destination is ok or was skipped. */
  ok: 0,
  /** The config is invalid. */
  invalidConfig: 1,
  /** No config file was found, or an option is wrong. */
  usage: 2,
  /** The config is valid but at least one destination failed or could not be reached. */
  destinationDown: 3,
} as const;

/** Validates the config and, with `probe`, checks the destinations. */
export async function checkCommand(options: CheckOptions): Promise<CommandResult> {
  const path = options.config ?? findConfigFile();
  if (!path) {
    return fail(
      'no config file: pass --config FILE or create offpath.config.json|yaml here\n',
      CHECK_EXIT.usage,
    );
  }
  if (options.timeoutMs !== undefined && !(Number.isInteger(options.timeoutMs) && options.timeoutMs > 0)) {
    return fail(
      'offpath check: --timeout must be a whole number of milliseconds above 0\n',
      CHECK_EXIT.usage,
    );
  }
  let config: ValidConfig;
  try {
    config = loadConfigFile(path, options.env);
  } catch (error) {
    if (isOffpathError(error) && error.code === 'ERR_CONFIG')
      return fail(`✗ ${error.message}\n`, CHECK_EXIT.invalidConfig);
    throw error;
  }
  if (!options.probe) return ok(`${describeConfig(path, config)}\n`);
  const results = await probeDestinations(config, {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const down = results.some((r) => r.status === 'failed' || r.status === 'unreachable');
  const exitCode = down ? CHECK_EXIT.destinationDown : CHECK_EXIT.ok;
  const stdout = options.json
    ? `${JSON.stringify({ config: path, valid: true, destinations: results }, null, 2)}\n`
    : `${describeConfig(path, config)}\n\n${probeTable(results)}\n\n${summary(results)}\n`;
  return { stdout, stderr: '', exitCode };
}

function describeConfig(path: string, config: ValidConfig): string {
  const lines = [`✓ ${path} is valid`];
  for (const d of config.destinations) {
    lines.push(
      `  - ${d.name} (${d.type})${d.enabled === false ? ' [disabled]' : ''}${d.minLevel ? ` from ${d.minLevel}` : ''}`,
    );
  }
  lines.push(
    `  ${config.routes?.length ?? 0} route(s)${config.spool ? `, spool at ${config.spool.path}` : ''}`,
  );
  return lines.join('\n');
}

function probeTable(results: readonly ProbeResult[]): string {
  return formatTable(
    ['destination', 'type', 'target', 'status', 'latency', 'detail'],
    results.map((r) => [
      r.destination,
      r.type,
      r.target,
      r.status,
      r.latencyMs === undefined ? '-' : `${r.latencyMs} ms`,
      r.detail,
    ]),
  );
}

function summary(results: readonly ProbeResult[]): string {
  const count = (status: ProbeResult['status']): number => results.filter((r) => r.status === status).length;
  return `${results.length} destination(s): ${count('ok')} ok, ${count('failed')} failed, ${count('unreachable')} unreachable, ${count('skipped')} skipped`;
}
