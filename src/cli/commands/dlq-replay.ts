/**
 * `offpath dlq replay`: sends dead letters again through the normal pipeline (rate limits, retries,
 * breaker and all), using the destinations of a config file.
 * @module
 */
import type { ValidConfig } from '../../config/config-schema.js';
import { describeConfigSource, loadConfigSource } from '../../config/config-source.js';
import { createOffpath } from '../../instance/create-offpath.js';
import { isOffpathError } from '../../resilience/errors.js';
import { openExistingSpool } from '../../spool/open-spool.js';
import { configSourceFrom } from '../config-option.js';
import { type CommandResult, fail } from '../io.js';
import { DEFAULT_CLI_SPOOL, type SpoolCommandOptions, toFilter } from '../spool-options.js';

/** Options of `offpath dlq replay`. */
export interface DlqReplayOptions extends SpoolCommandOptions {
  /** How long to wait for delivery before keeping the rest in the spool. @default 30_000 */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Requeues matching dead letters of the config's destinations and delivers them. Exit code 0 when
 * every requeued letter was delivered; 1 when some failed again or are still waiting in the spool.
 * @throws UsageError when `--config` names a missing file or no config is found (exit 2).
 */
export async function dlqReplayCommand(options: DlqReplayOptions): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const source = configSourceFrom(options.config, options.env);
  let filter: ReturnType<typeof toFilter>;
  let config: ValidConfig;
  try {
    filter = toFilter(options, options.now);
    config = loadConfigSource(source, options.env);
  } catch (error) {
    if (isOffpathError(error) && error.code === 'ERR_CONFIG') return fail(`✗ ${error.message}\n`, 1);
    return fail(`${error instanceof Error ? error.message : String(error)}\n`, 2);
  }
  const path = options.spool ?? config.spool?.path ?? DEFAULT_CLI_SPOOL;
  // Check first: starting an instance would create a missing file or move an unusable one aside.
  const existing = openExistingSpool(path);
  if ('problem' in existing) return fail(`${existing.problem} (pass --spool FILE)\n`, 1);
  const configured = new Set(config.destinations.filter((d) => d.enabled !== false).map((d) => d.name));
  const unconfigured = existing.store
    .counts(filter)
    .deadLetters.filter((r) => !configured.has(r.destination))
    .reduce((n, r) => n + r.count, 0);
  existing.store.close();

  const offpath = createOffpath({ ...config, spool: { ...config.spool, path }, handleSignals: false });
  const before = offpath.stats();
  const requeued = offpath.replayDeadLetters(filter);
  await offpath.flush({ timeoutMs });
  const after = offpath.stats();
  await offpath.close({ timeoutMs: 1_000 });

  const delivered = after.delivered - before.delivered;
  const failedAgain = after.deadLettered - before.deadLettered;
  const waiting = after.pending;
  const lines = [
    `requeued ${requeued} dead letter(s) from ${path}`,
    `delivered ${delivered}, dead-lettered again ${failedAgain}, still waiting ${waiting}`,
  ];
  if (waiting > 0)
    lines.push('what is still waiting stays in the spool and goes out on the next start or replay');
  if (unconfigured > 0) {
    lines.push(
      `${unconfigured} matching letter(s) belong to destinations not in ${describeConfigSource(source)}: left as they are`,
    );
  }
  const exitCode = failedAgain === 0 && waiting === 0 ? 0 : 1;
  return { stdout: `${lines.join('\n')}\n`, stderr: '', exitCode };
}
