/**
 * Zero-code mode: `node --import offpath/register app.js`. Reads `OFFPATH_CONFIG`, else
 * `offpath.config.json|yaml|yml` in the working directory, else OFFPATH_* environment variables;
 * captures fetch/undici and node:http(s) (and process health when configured); closes on SIGTERM.
 *
 * Whatever the config holds (a missing or unreadable file, a wrong type, an invalid pattern), it never
 * stops the app: offpath writes one line on stderr naming the problem and the app runs without it.
 * @module
 */
import {
  type ConfigSource,
  describeConfigSource,
  findConfigSource,
  loadConfigSource,
} from './config/config-source.js';
import { createOffpath, type Offpath } from './instance/create-offpath.js';
import { ConfigError, formatConfigIssue } from './resilience/errors.js';
import { fetchSource } from './sources/fetch-source.js';
import { httpSource } from './sources/http-source.js';
import { processHealth } from './sources/process-health.js';

/** Where zero-code mode keeps its instance, so the app can reach it (`globalThis[OFFPATH_INSTANCE]`). */
export const OFFPATH_INSTANCE = Symbol.for('offpath.instance');

function start(source: ConfigSource): Offpath {
  const config = loadConfigSource(source);
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

/** The problem as one line: the source, the first issue, and how many more there are. */
function oneLine(error: unknown, source: ConfigSource): string {
  let text: string;
  if (error instanceof ConfigError && error.issues.length > 0) {
    const more = error.issues.length - 1;
    const rest = more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '';
    text = `${describeConfigSource(source)}: ${formatConfigIssue(error.issues[0]!)}${rest}; run \`npx offpath check\` for details`;
  } else {
    text = error instanceof Error ? error.message : String(error);
  }
  // A YAML parser's message quotes the offending lines: keep them, on the one line.
  return text.replace(/\s*\n\s*/g, ' ');
}

function startOrWarn(): Offpath | undefined {
  const source = findConfigSource();
  if (!source) {
    warn('no offpath.config.* file, OFFPATH_CONFIG or OFFPATH_* destination variables');
    return undefined;
  }
  try {
    return start(source);
  } catch (error) {
    warn(oneLine(error, source));
    return undefined;
  }
}

// One line, written at once (process.emitWarning would add a second, "(Use `node --trace-warnings`…"):
// the app's own stderr stays readable and nothing waits on it.
function warn(problem: string): void {
  process.stderr.write(`offpath: not capturing: ${problem}\n`);
}

/** The zero-code instance (undefined when nothing is configured or the config is invalid). */
export const offpath: Offpath | undefined = startOrWarn();
(globalThis as Record<symbol, unknown>)[OFFPATH_INSTANCE] = offpath;
