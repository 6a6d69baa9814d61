/**
 * `offpath check --config FILE`: validates a config file and explains every problem.
 * @module
 */
import { findConfigFile, loadConfigFile } from '../../config/load-config-file.js';
import { isOffpathError } from '../../resilience/errors.js';
import { type CommandResult, fail, ok } from '../io.js';

/** Options of the check command. */
export interface CheckOptions {
  readonly config?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Validates the config; exit code 0 when valid, 1 when invalid, 2 when no file was found. */
export function checkCommand(options: CheckOptions): CommandResult {
  const path = options.config ?? findConfigFile();
  if (!path) return fail('no config file: pass --config FILE or create offpath.config.json|yaml here\n', 2);
  try {
    const config = loadConfigFile(path, options.env);
    const lines = [`✓ ${path} is valid`];
    for (const d of config.destinations) {
      lines.push(
        `  - ${d.name} (${d.type})${d.enabled === false ? ' [disabled]' : ''}${d.minLevel ? ` from ${d.minLevel}` : ''}`,
      );
    }
    lines.push(
      `  ${config.routes?.length ?? 0} route(s)${config.spool ? `, spool at ${config.spool.path}` : ''}`,
    );
    return ok(`${lines.join('\n')}\n`);
  } catch (error) {
    if (isOffpathError(error) && error.code === 'ERR_CONFIG') return fail(`✗ ${error.message}\n`, 1);
    throw error;
  }
}
