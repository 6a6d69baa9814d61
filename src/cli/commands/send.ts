/**
 * `offpath send --to NAME [--config FILE]`: posts one real test message through a destination of the
 * config, with the instance's own pipeline (formatting, redaction, rate limits, retries), and reports
 * what the platform answered. The only check of a Slack webhook, which cannot be probed.
 * @module
 */
import { hostname } from 'node:os';
import type { OffpathConfig, ValidConfig } from '../../config/config-schema.js';
import { describeConfigSource, loadConfigSource } from '../../config/config-source.js';
import type { Level } from '../../core/level.js';
import { createOffpath } from '../../instance/create-offpath.js';
import { destinationTarget } from '../../instance/destination-target.js';
import { ConfigError, type OffpathError } from '../../resilience/errors.js';
import { configSourceFrom } from '../config-option.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { type CommandResult, fail } from '../io.js';

/** Options of the send command. */
export interface SendOptions {
  /** The destination's name in the config. */
  readonly to: string;
  /** @default what zero-code mode finds (OFFPATH_CONFIG, offpath.config.*, OFFPATH_*) */
  readonly config?: string | undefined;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Level of the test message. @default 'info' */
  readonly level?: Level;
  /** How long to wait for delivery, retries included. @default 15_000 */
  readonly timeoutMs?: number;
  /** Print the outcome as JSON. @default false */
  readonly json?: boolean;
}

/** What happened to the test message. */
interface Outcome {
  readonly destination: string;
  readonly type: string;
  readonly target: string;
  readonly delivered: boolean;
  readonly attempts: number;
  readonly latencyMs?: number | undefined;
  /** Why it was not delivered: the platform's refusal, a network error, or the deadline. */
  readonly error?: {
    readonly code: string;
    readonly message: string;
    readonly statusCode?: number | undefined;
  };
}

/**
 * Sends the test message. Exit 0 when the destination accepted it, 1 when the config is invalid, 3
 * when the destination refused it, could not be reached or did not answer by the deadline.
 * @throws UsageError when no config is found or it has no destination of that name (exit 2).
 */
export async function sendCommand(options: SendOptions): Promise<CommandResult> {
  const env = options.env ?? process.env;
  const source = configSourceFrom(options.config, env);
  let config: ValidConfig;
  try {
    config = loadConfigSource(source, env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(`✗ ${error.message}\n`, EXIT.failed);
    throw error;
  }
  const destination = config.destinations.find((d) => d.name === options.to);
  if (!destination) {
    const names = config.destinations.map((d) => d.name).join(', ');
    throw new UsageError(
      `no destination named "${options.to}" in ${describeConfigSource(source)} (it has: ${names})`,
    );
  }
  const outcome = await sendTestMessage(config, destination, options);
  const exitCode = outcome.delivered ? EXIT.ok : EXIT.destinationFailed;
  if (options.json) return { stdout: `${JSON.stringify(outcome, null, 2)}\n`, stderr: '', exitCode };
  const line = outcome.delivered
    ? `✓ ${outcome.destination} (${outcome.type}, ${outcome.target}): test message delivered in ${outcome.latencyMs} ms\n`
    : `✗ ${outcome.destination} (${outcome.type}, ${outcome.target}): not delivered after ${outcome.attempts} attempt(s): ${outcome.error?.message}\n`;
  return outcome.delivered ? { stdout: line, stderr: '', exitCode } : { stdout: '', stderr: line, exitCode };
}

type Destination = ValidConfig['destinations'][number];

async function sendTestMessage(
  config: ValidConfig,
  destination: Destination,
  options: SendOptions,
): Promise<Outcome> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  // The destination as configured (URL, templates, retries, rate limits), but on its own and now:
  // enabled, every level, no cooldown, no queue policy, fallback or spool to hide the outcome.
  const { fallback: _fallback, minLevel: _minLevel, queue: _queue, ...settings } = destination;
  const offpath = createOffpath({
    service: config.service,
    redact: config.redact,
    limits: config.limits,
    // `minLevel` explicit: a chat destination's default (warn) would refuse the test message.
    destinations: [{ ...settings, enabled: true, minLevel: 'trace', noise: false }],
    handleSignals: false,
  } as OffpathConfig);
  let attempts = 0;
  let lastError: OffpathError | undefined;
  let latencyMs: number | undefined;
  offpath.on('request-start', () => attempts++);
  offpath.on('request-failure', ({ error }) => (lastError = error));
  offpath.on('dead-lettered', ({ error }) => (lastError = error ?? lastError));
  offpath.on('destination-disabled', ({ error }) => (lastError = error));
  offpath.on('delivered', (event) => (latencyMs = Math.round(event.latencyMs)));
  offpath.emit({
    level: options.level ?? 'info',
    kind: 'alert',
    title: 'offpath test message',
    message: `Sent by \`offpath send\` to check that "${destination.name}" delivers. No action needed.`,
    fields: { destination: destination.name, host: hostname() },
    tags: ['offpath-send'],
  });
  await offpath.flush({ timeoutMs });
  const delivered = (offpath.stats().destinations[destination.name]?.delivered ?? 0) > 0;
  await offpath.close({ timeoutMs: 1_000 });
  const base = {
    destination: destination.name,
    type: destination.type,
    target: destinationTarget(destination),
    delivered,
    attempts,
  };
  if (delivered) return { ...base, latencyMs };
  const error = lastError
    ? { code: lastError.code, message: lastError.message, statusCode: lastError.statusCode }
    : { code: 'ERR_TIMEOUT', message: `no answer within ${timeoutMs} ms` };
  return { ...base, error };
}
