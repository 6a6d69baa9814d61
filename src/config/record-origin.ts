/**
 * Where the records of an instance come from: `service`, `environment`, `release` and `host`, each
 * from the config, else from its OFFPATH_* variable; `host` last falls back to the machine's name
 * (collector-record.ts). An explicit setting wins because it is the more specific one: a config that
 * wants the variable to decide can say `${OFFPATH_RELEASE}`.
 * @module
 */
import { z } from 'zod';
import type { RecordOrigin } from '../core/event.js';
import { ConfigError } from '../resilience/errors.js';
import { originFields, type ValidConfig } from './config-schema.js';
import { DEFAULT_MESSAGE, describeIssues } from './describe-issues.js';

/** The variable behind each origin setting. */
export const ORIGIN_VARIABLES = {
  service: 'OFFPATH_SERVICE',
  environment: 'OFFPATH_ENVIRONMENT',
  release: 'OFFPATH_RELEASE',
  host: 'OFFPATH_HOST',
} as const;

type OriginKey = keyof typeof ORIGIN_VARIABLES;

const originSchema = z.object(originFields).partial();

/**
 * The origin stamped on collector and file records: each setting from `config`, else from its
 * variable (an empty variable counts as unset).
 * @throws ConfigError naming the variable: `OFFPATH_RELEASE: expected at most 200 characters, …`.
 * @example
 * resolveRecordOrigin({ service: 'checkout' }, { OFFPATH_ENVIRONMENT: 'staging' });
 * // { service: 'checkout', environment: 'staging', release: undefined, host: undefined }
 */
export function resolveRecordOrigin(
  config: Pick<ValidConfig, OriginKey>,
  env: NodeJS.ProcessEnv = process.env,
): RecordOrigin {
  const fromEnv: Partial<Record<OriginKey, string>> = {};
  for (const key of Object.keys(ORIGIN_VARIABLES) as OriginKey[]) {
    const value = env[ORIGIN_VARIABLES[key]];
    if (config[key] === undefined && value !== undefined && value !== '') fromEnv[key] = value;
  }
  const result = originSchema.safeParse(fromEnv, { error: () => DEFAULT_MESSAGE });
  if (!result.success) {
    const issues = describeIssues(originSchema, result.error.issues, fromEnv).map((issue) => ({
      ...issue,
      path: ORIGIN_VARIABLES[issue.path as OriginKey] ?? issue.path,
    }));
    throw ConfigError.fromIssues('invalid OFFPATH_* environment variables', issues);
  }
  const pick = (key: OriginKey) => config[key] ?? result.data[key];
  return {
    service: pick('service'),
    environment: pick('environment'),
    release: pick('release'),
    host: pick('host'),
  };
}
