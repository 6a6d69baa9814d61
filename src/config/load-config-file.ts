/**
 * Loads `offpath.config.json` / `.yaml` / `.yml`, interpolates `${ENV_VAR}` (and `${ENV_VAR:-default}`)
 * in string values, and validates the result.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../resilience/errors.js';
import type { ValidConfig } from './config-schema.js';
import { validateConfig } from './validate-config.js';

/** File names looked for, in order, by {@link findConfigFile}. */
export const CONFIG_FILE_NAMES = [
  'offpath.config.json',
  'offpath.config.yaml',
  'offpath.config.yml',
] as const;

/** The first config file present in `dir`, if any. */
export function findConfigFile(dir: string = process.cwd()): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * Reads, interpolates and validates a config file.
 * @throws ConfigError naming the file and every problem (syntax, missing variables, invalid settings).
 * @example
 * const config = loadConfigFile('offpath.config.yaml');
 */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): ValidConfig {
  const raw = parseConfigText(path);
  const missing: string[] = [];
  const interpolated = interpolate(raw, env, [], missing);
  if (missing.length > 0) {
    throw new ConfigError(
      `${path}: environment variables are not set:\n  - ${missing.join('\n  - ')}`,
      missing,
    );
  }
  try {
    return validateConfig(interpolated);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new ConfigError(`${path}: ${error.message}`, error.issues, { cause: error });
    throw error;
  }
}

function parseConfigText(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read the config file (${(error as Error).message})`, [], {
      cause: error,
    });
  }
  const ext = extname(path).toLowerCase();
  try {
    if (ext === '.json') return JSON.parse(text);
    if (ext === '.yaml' || ext === '.yml') return parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path}: syntax error: ${(error as Error).message}`, [], { cause: error });
  }
  throw new ConfigError(`${path}: unsupported extension "${ext}" (use .json, .yaml or .yml)`);
}

/**
 * Interpolates `${VAR}` and `${VAR:-default}` in one string the way config files are (for command-line
 * values such as `offpath proxy --header`); unset variables are added to `missing`, named by `where`.
 */
export function interpolateText(
  text: string,
  env: NodeJS.ProcessEnv,
  where: string,
  missing: string[],
): string {
  return interpolate(text, env, [where], missing) as string;
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: readonly (string | number)[],
  missing: string[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      missing.push(
        `${formatPath(path)}: \${${name}} is not set (export ${name}=... or write \${${name}:-default})`,
      );
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, [...path, i], missing));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, [...path, k], missing);
    return out;
  }
  return value;
}

function formatPath(path: readonly (string | number)[]): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${p}`)).join('') || 'config'
  );
}
