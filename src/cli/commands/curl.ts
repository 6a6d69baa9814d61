/**
 * `offpath curl`: one request as JSON on stdin → one safe curl command; `--har FILE` → one per entry.
 * @module
 */
import { readFileSync } from 'node:fs';
import { harToCurlRequests, parseCurlInput } from '../../curl/parse-input.js';
import { toCurl } from '../../curl/to-curl.js';
import { createRedactor } from '../../redact/redactor.js';
import { isOffpathError } from '../../resilience/errors.js';
import { type CommandResult, fail, ok } from '../io.js';

/** Options of the curl command. */
export interface CurlCommandOptions {
  readonly stdin?: string;
  readonly har?: string;
  readonly multiline?: boolean;
  /** Hide secrets in URLs, headers and bodies (what offpath sends to destinations). */
  readonly redact?: boolean;
}

export function curlCommand(options: CurlCommandOptions): CommandResult {
  try {
    const requests = options.har
      ? harToCurlRequests(JSON.parse(readFileSync(options.har, 'utf8')))
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
      return toCurl(request, { multiline: options.multiline ?? false });
    });
    return ok(`${commands.join('\n\n')}\n`);
  } catch (error) {
    if (isOffpathError(error)) return fail(`offpath curl: ${error.message}\n`, 2);
    if (error instanceof SyntaxError)
      return fail(`offpath curl: ${options.har}: not valid JSON (${error.message})\n`, 2);
    if ((error as { code?: unknown }).code === 'ENOENT')
      return fail(`offpath curl: ${options.har}: no such file\n`, 2);
    throw error;
  }
}
