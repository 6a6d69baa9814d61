/**
 * The config a command uses: `--config FILE` when given (a usage error if the file does not exist),
 * else what zero-code mode would use (`OFFPATH_CONFIG`, `offpath.config.*` here, OFFPATH_* variables).
 * @module
 */
import { existsSync } from 'node:fs';
import { type ConfigSource, findConfigSource } from '../config/config-source.js';
import { UsageError } from './exit-codes.js';

/**
 * The source named by `--config`, else the one zero-code mode would find.
 * @throws UsageError when `--config` names a missing file, or when `required` and nothing is found.
 */
export function configSourceFrom(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ConfigSource {
  if (option !== undefined) {
    if (!existsSync(option)) throw new UsageError(`--config ${option}: no such file`);
    return { kind: 'file', path: option };
  }
  const found = findConfigSource(env);
  if (!found) {
    throw new UsageError(
      'no config: pass --config FILE, set OFFPATH_CONFIG, or create offpath.config.json|yaml here',
    );
  }
  return found;
}
