/**
 * `offpath curl`: one request as JSON on stdin → one safe curl command; `--har FILE` → one per entry.
 * Exact by default: bodies are cut only with `--max-body BYTES`.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { harToCurlRequests } from '../../curl/har-requests.js';
import { parseCurlInput } from '../../curl/parse-input.js';
import { toCurl } from '../../curl/to-curl.js';
import { createRedactor } from '../../redact/redactor.js';
import { ConfigError } from '../../resilience/errors.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { type CommandResult, fail, ok } from '../io.js';

/** Options of the curl command. */
export interface CurlCommandOptions {
  readonly stdin?: string;
  readonly har?: string;
  /** One option (with its value) per line. @default false */
  readonly multiline?: boolean;
  /** Hide secrets in URLs, headers and bodies (what offpath sends to destinations). @default false */
  readonly redact?: boolean;
  /** Cut bodies longer than this many bytes (the command says so). @default no cut */
  readonly maxBody?: number;
}

/**
 * Prints the commands. Exit 1 when the request or HAR is invalid (every problem is listed).
 * @throws UsageError when `--har` names a missing file (exit 2).
 */
export function curlCommand(options: CurlCommandOptions): CommandResult {
  if (options.har !== undefined && !existsSync(options.har))
    throw new UsageError(`--har ${options.har}: no such file`);
  try {
    const requests = options.har
      ? harToCurlRequests(readHar(options.har))
      : [parseCurlInput(options.stdin ?? '')];
    const redactor = options.redact ? createRedactor() : undefined;
    const commands = requests.map((r) => {
      const request = redactor
        ? {
            ...r,
            url: redactor.url(r.url),
            headers: redactor.headers(Array.isArray(r.headers) ? r.headers : []),
            ...(typeof r.body === 'string' ? { body: redactor.text(r.body) } : {}),
          }
        : r;
      return toCurl(request, {
        multiline: options.multiline ?? false,
        maxBodyBytes: options.maxBody ?? Number.POSITIVE_INFINITY,
      });
    });
    return ok(`${commands.join('\n\n')}\n`);
  } catch (error) {
    if (error instanceof ConfigError) return fail(`offpath curl: ${error.message}\n`, EXIT.failed);
    throw error;
  }
}

function readHar(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw ConfigError.fromIssues(`${path}`, [
      { path: '', message: `not valid JSON (${(error as Error).message})`, hint: 'export the HAR again' },
    ]);
  }
}
