/**
 * A configuration from environment variables alone, for zero-code mode without a config file:
 * OFFPATH_DISCORD_URL, OFFPATH_SLACK_URL, OFFPATH_TELEGRAM_TOKEN + OFFPATH_TELEGRAM_CHAT_ID,
 * OFFPATH_HTTP_URL, OFFPATH_MIN_LEVEL, and what records carry: OFFPATH_SERVICE, OFFPATH_ENVIRONMENT,
 * OFFPATH_RELEASE, OFFPATH_HOST. Problems name the variable that holds them.
 * @module
 */
import { ConfigError, type ConfigIssue } from '../resilience/errors.js';
import type { OffpathConfig, ValidConfig } from './config-schema.js';
import { ORIGIN_VARIABLES } from './record-origin.js';
import { validateConfig } from './validate-config.js';

/** A config built from the environment, and which variable each of its settings came from. */
interface EnvConfig {
  readonly config: OffpathConfig;
  /** Config path (as in messages, `destinations[0].url`) → the variable that set it. */
  readonly origins: ReadonlyMap<string, string>;
  /** Problems found before validation (a variable that needs another one). */
  readonly issues: readonly ConfigIssue[];
}

const DESTINATIONS = [
  { variable: 'OFFPATH_DISCORD_URL', name: 'discord', type: 'discord' },
  { variable: 'OFFPATH_SLACK_URL', name: 'slack', type: 'slack' },
  { variable: 'OFFPATH_HTTP_URL', name: 'collector', type: 'http' },
] as const;

/** True when the environment names at least one destination (or half of the Telegram pair). */
export function describesEnvConfig(env: NodeJS.ProcessEnv = process.env): boolean {
  return buildEnvConfig(env) !== undefined;
}

/**
 * The validated config the environment describes, or undefined when it names no destination.
 * @throws ConfigError whose issues name the variables: `OFFPATH_DISCORD_URL: must be an absolute http(s) URL`.
 */
export function loadEnvConfig(env: NodeJS.ProcessEnv = process.env): ValidConfig | undefined {
  const built = buildEnvConfig(env);
  if (!built) return undefined;
  let valid: ValidConfig | undefined;
  let schemaIssues: readonly ConfigIssue[] = [];
  if (built.config.destinations.length > 0) {
    try {
      valid = validateConfig(built.config);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      schemaIssues = error.issues;
    }
  }
  const renamed = schemaIssues.map((issue) => ({ ...issue, path: originOf(issue.path, built.origins) }));
  const issues = dedupe([...built.issues, ...renamed]);
  if (issues.length > 0 || !valid)
    throw ConfigError.fromIssues('invalid OFFPATH_* environment variables', issues);
  return valid;
}

function buildEnvConfig(env: NodeJS.ProcessEnv): EnvConfig | undefined {
  const set = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const origins = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  const minLevel = set('OFFPATH_MIN_LEVEL');
  const destinations: Array<Record<string, unknown>> = [];
  const add = (destination: Record<string, unknown>, variables: Record<string, string>): void => {
    const i = destinations.length;
    for (const [key, variable] of Object.entries(variables))
      origins.set(`destinations[${i}].${key}`, variable);
    if (minLevel !== undefined) origins.set(`destinations[${i}].minLevel`, 'OFFPATH_MIN_LEVEL');
    destinations.push({ ...destination, ...(minLevel === undefined ? {} : { minLevel }) });
  };
  for (const { variable, name, type } of DESTINATIONS) {
    const url = set(variable);
    if (url !== undefined) add({ name, type, url }, { url: variable });
  }
  const token = set('OFFPATH_TELEGRAM_TOKEN');
  const chatId = set('OFFPATH_TELEGRAM_CHAT_ID');
  if (token !== undefined && chatId !== undefined) {
    add(
      { name: 'telegram', type: 'telegram', token, chatId },
      { token: 'OFFPATH_TELEGRAM_TOKEN', chatId: 'OFFPATH_TELEGRAM_CHAT_ID' },
    );
  } else if (token !== undefined || chatId !== undefined) {
    const [given, needed] =
      token === undefined
        ? ['OFFPATH_TELEGRAM_CHAT_ID', 'OFFPATH_TELEGRAM_TOKEN']
        : ['OFFPATH_TELEGRAM_TOKEN', 'OFFPATH_TELEGRAM_CHAT_ID'];
    issues.push({ path: needed, message: `is required when ${given} is set` });
  }
  if (destinations.length === 0 && issues.length === 0) return undefined;
  const origin: Record<string, string> = {};
  for (const [key, variable] of Object.entries(ORIGIN_VARIABLES)) {
    const value = set(variable);
    if (value === undefined) continue;
    origin[key] = value;
    origins.set(key, variable);
  }
  const config = { ...origin, destinations } as unknown as OffpathConfig;
  return { config, origins, issues };
}

/** The variable behind a config path (or behind the nearest enclosing path that has one). */
function originOf(path: string, origins: ReadonlyMap<string, string>): string {
  for (let p = path; p !== ''; p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '')) {
    const variable = origins.get(p);
    if (variable) return variable;
  }
  return path;
}

function dedupe(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
