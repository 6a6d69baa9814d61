/**
 * Loads `offpath.config.json` / `.yaml` / `.yml`, interpolates `${ENV_VAR}` (and `${ENV_VAR:-default}`)
 * in string values, and validates the result.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import type * as Yaml from 'yaml';
import { ConfigError, type ConfigIssue } from '../resilience/errors.js';
import type { ValidConfig } from './config-schema.js';
import { formatPath } from './describe-issues.js';
import { convertEnvValues } from './env-values.js';
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
 * Reads, interpolates and validates a config file. A value that came from `${VAR}` where the schema
 * wants a number or a boolean is converted (`"${PORT}"` → `8080`, `"${GZIP}"` → `true`).
 * @throws ConfigError naming the file and every problem (syntax, missing variables, invalid settings).
 * @example
 * const config = loadConfigFile('offpath.config.yaml');
 */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): ValidConfig {
  const raw = parseConfigText(path);
  const missing: ConfigIssue[] = [];
  const interpolated: Array<readonly (string | number)[]> = [];
  const value = interpolate(raw, env, [], { missing, interpolated });
  if (missing.length > 0) throw ConfigError.fromIssues(`${path}: environment variables are not set`, missing);
  try {
    return validateConfig(convertEnvValues(value, interpolated));
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
    const message = `cannot read the config file (${(error as Error).message})`;
    throw new ConfigError(`${path}: ${message}`, [{ path: '', message }], { cause: error });
  }
  const ext = extname(path).toLowerCase();
  try {
    if (ext === '.json') return JSON.parse(text);
    // yaml is loaded only for a YAML file, so `import 'offpath'` does not pay for it.
    if (ext === '.yaml' || ext === '.yml')
      return (createRequire(import.meta.url)('yaml') as typeof Yaml).parse(text);
  } catch (error) {
    const message = `syntax error: ${(error as Error).message}`;
    throw new ConfigError(`${path}: ${message}`, [{ path: '', message }], { cause: error });
  }
  const message = `unsupported extension "${ext}"`;
  throw new ConfigError(`${path}: ${message} (use .json, .yaml or .yml)`, [
    { path: '', message, hint: 'use .json, .yaml or .yml' },
  ]);
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
  const found = { missing: [] as ConfigIssue[], interpolated: [] };
  const value = interpolate(text, env, [where], found) as string;
  for (const issue of found.missing) missing.push(`${issue.path}: ${issue.message} (${issue.hint})`);
  return value;
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: readonly (string | number)[],
  found: { missing: ConfigIssue[]; interpolated: Array<readonly (string | number)[]> },
): unknown {
  if (typeof value === 'string') {
    let replaced = false;
    const text = value.replace(VARIABLE, (_match, name: string, fallback: string | undefined) => {
      replaced = true;
      const set = env[name];
      if (set !== undefined && set !== '') return set;
      if (fallback !== undefined) return fallback;
      found.missing.push({
        path: formatPath(path),
        message: `\${${name}} is not set`,
        hint: `export ${name}=... or write \${${name}:-default}`,
      });
      return '';
    });
    if (replaced) found.interpolated.push(path);
    return text;
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, [...path, i], found));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, [...path, k], found);
    return out;
  }
  return value;
}
