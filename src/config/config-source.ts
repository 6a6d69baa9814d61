/**
 * Where a configuration comes from, found the same way by zero-code mode and the CLI:
 * `OFFPATH_CONFIG`, else `offpath.config.json|yaml|yml` in the working directory, else the OFFPATH_*
 * destination variables.
 * @module
 */
import type { ValidConfig } from './config-schema.js';
import { describesEnvConfig, loadEnvConfig } from './env-config.js';
import { findConfigFile, loadConfigFile } from './load-config-file.js';
import { resolveRecordOrigin } from './record-origin.js';

/** A config file, or the OFFPATH_* environment variables. */
export type ConfigSource = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'env' };

/** The config source zero-code mode would use, or undefined when there is none. */
export function findConfigSource(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): ConfigSource | undefined {
  const named = env['OFFPATH_CONFIG'];
  if (named !== undefined && named !== '') return { kind: 'file', path: named };
  const found = findConfigFile(cwd);
  if (found) return { kind: 'file', path: found };
  return describesEnvConfig(env) ? { kind: 'env' } : undefined;
}

/**
 * Reads and validates the config of a source.
 * @throws ConfigError naming the file or the variables, and every problem.
 */
export function loadConfigSource(source: ConfigSource, env: NodeJS.ProcessEnv = process.env): ValidConfig {
  // describesEnvConfig said there is something; a source without destinations throws before here.
  const config = source.kind === 'file' ? loadConfigFile(source.path, env) : loadEnvConfig(env)!;
  // The OFFPATH_* origin variables fill what the config leaves unset: createOffpath would refuse a
  // bad one, so the source does too.
  resolveRecordOrigin(config, env);
  return config;
}

/** The source in words: its path, or "the OFFPATH_* environment variables". */
export function describeConfigSource(source: ConfigSource): string {
  return source.kind === 'file' ? source.path : 'the OFFPATH_* environment variables';
}
