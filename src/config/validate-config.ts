/**
 * Validates a configuration and turns schema failures into messages a person can act on: which field,
 * what is wrong, how to fix it. The one validation path: `createOffpath`, config files, zero-code
 * mode and `offpath check` all come through here.
 * @module
 */
import { ConfigError } from '../resilience/errors.js';
import { configSchema, type ValidConfig } from './config-schema.js';
import { DEFAULT_MESSAGE, describeIssues } from './describe-issues.js';

/**
 * Validates a configuration synchronously.
 * @throws ConfigError listing every problem as `path: problem (fix)`; `issues` holds them as
 *   `{ path, message, hint }`.
 * @example
 * const config = validateConfig({ destinations: [{ name: 'ops', type: 'discord', url: process.env.DISCORD_URL }] });
 */
export function validateConfig(input: unknown): ValidConfig {
  const result = configSchema.safeParse(input, { error: () => DEFAULT_MESSAGE });
  if (result.success) return result.data;
  throw ConfigError.fromIssues(
    'invalid offpath config',
    describeIssues(configSchema, result.error.issues, input),
  );
}
