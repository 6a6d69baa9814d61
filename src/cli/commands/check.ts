/**
 * `offpath check [--config FILE] [--probe] [--json]`: validates the config zero-code mode would use
 * (or the file named) and explains every problem; with `--probe`, also checks every destination
 * without posting a message where the platform allows it.
 * @module
 */
import type { ValidConfig } from '../../config/config-schema.js';
import { type ConfigSource, describeConfigSource, loadConfigSource } from '../../config/config-source.js';
import { type ProbeResult, probeDestinations } from '../../instance/probe-destinations.js';
import { ConfigError } from '../../resilience/errors.js';
import { configSourceFrom } from '../config-option.js';
import { EXIT } from '../exit-codes.js';
import { type CommandResult, fail, ok } from '../io.js';
import { formatTable } from '../table.js';

/** Options of the check command. */
export interface CheckOptions {
  /** The config file. @default what zero-code mode finds (OFFPATH_CONFIG, offpath.config.*, OFFPATH_*) */
  readonly config?: string | undefined;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Also check every destination. @default false */
  readonly probe?: boolean;
  /** Deadline of each probe. @default 5_000 */
  readonly timeoutMs?: number;
  /** Print the result as JSON (`{ config, valid, issues, destinations? }`). @default false */
  readonly json?: boolean;
}

/**
 * Validates the config and, with `probe`, checks the destinations. Exit codes: 0 valid (and every
 * probed destination ok or skipped), 1 invalid, 3 a destination failed.
 * @throws UsageError when `--config` names a missing file or no config is found (exit 2).
 */
export async function checkCommand(options: CheckOptions): Promise<CommandResult> {
  const env = options.env ?? process.env;
  const source = configSourceFrom(options.config, env);
  const name = describeConfigSource(source);
  let config: ValidConfig;
  try {
    config = loadConfigSource(source, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (options.json) return fail('', EXIT.failed, json(source, { valid: false, issues: error.issues }));
    return fail(`✗ ${error.message}\n`, EXIT.failed);
  }
  if (!options.probe) {
    return ok(options.json ? json(source, { valid: true, issues: [] }) : `${describeConfig(name, config)}\n`);
  }
  const results = await probeDestinations(config, {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const down = results.some((r) => r.status === 'failed' || r.status === 'unreachable');
  const exitCode = down ? EXIT.destinationFailed : EXIT.ok;
  const stdout = options.json
    ? json(source, { valid: true, issues: [], destinations: results })
    : `${describeConfig(name, config)}\n\n${probeTable(results)}\n\n${summary(results)}\n`;
  return { stdout, stderr: '', exitCode };
}

function json(source: ConfigSource, body: object): string {
  return `${JSON.stringify({ config: source.kind === 'file' ? source.path : 'env', ...body }, null, 2)}\n`;
}

function describeConfig(name: string, config: ValidConfig): string {
  const lines = [`✓ ${name} ${name.startsWith('the ') ? 'are' : 'is'} valid`];
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
