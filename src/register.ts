/**
 * Zero-code mode: `node --import offpath/register app.js`. Reads `OFFPATH_CONFIG`, else
 * `offpath.config.json|yaml|yml` in the working directory, else OFFPATH_* environment variables;
 * captures fetch/undici and node:http(s) (and process health when configured); closes on SIGTERM.
 * A missing or invalid config never stops the app: it is reported as a process warning.
 * @module
 */
import type { ValidConfig } from './config/config-schema.js';
import { configFromEnv } from './config/env-config.js';
import { findConfigFile, loadConfigFile } from './config/load-config-file.js';
import { validateConfig } from './config/validate-config.js';
import { createOffpath, type Offpath } from './instance/create-offpath.js';
import { fetchSource } from './sources/fetch-source.js';
import { httpSource } from './sources/http-source.js';
import { processHealth } from './sources/process-health.js';

/** Where zero-code mode keeps its instance, so the app can reach it (`globalThis[OFFPATH_INSTANCE]`). */
export const OFFPATH_INSTANCE = Symbol.for('offpath.instance');

function load(): ValidConfig | undefined {
  const path = process.env['OFFPATH_CONFIG'] ?? findConfigFile();
  if (path) return loadConfigFile(path);
  const fromEnv = configFromEnv();
  return fromEnv ? validateConfig(fromEnv) : undefined;
}

function start(): Offpath | undefined {
  let config: ValidConfig | undefined;
  try {
    config = load();
  } catch (error) {
    process.emitWarning(`offpath is not capturing: ${(error as Error).message}`, { code: 'OFFPATH_CONFIG' });
    return undefined;
  }
  if (!config) {
    process.emitWarning(
      'offpath is not capturing: no offpath.config.* file, OFFPATH_CONFIG or OFFPATH_* destination variables',
      { code: 'OFFPATH_CONFIG' },
    );
    return undefined;
  }
  const offpath = createOffpath({ ...config, handleSignals: config.handleSignals ?? true });
  const capture = config.capture ?? {};
  const opts = <T extends object>(value: boolean | T | undefined): T | undefined =>
    value === false ? undefined : value === true || value === undefined ? ({} as T) : value;
  const fetchOptions = opts(capture.fetch);
  const httpOptions = opts(capture.http);
  if (fetchOptions) offpath.attach(fetchSource(fetchOptions));
  if (httpOptions) offpath.attach(httpSource(httpOptions));
  if (capture.processHealth)
    offpath.attach(processHealth(capture.processHealth === true ? {} : capture.processHealth));
  return offpath;
}

/** The zero-code instance (undefined when nothing is configured). */
export const offpath: Offpath | undefined = start();
(globalThis as Record<symbol, unknown>)[OFFPATH_INSTANCE] = offpath;
