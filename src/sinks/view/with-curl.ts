/** Default curl rendering for message views. @module */
import { toCurl } from '../../curl/to-curl.js';
import type { ViewOptions } from './message-view.js';

/**
 * Adds the standard curl renderer unless the options bring their own. Records reach formatters already
 * redacted, so the command is too; bodies are cut to what a chat message can show, and flags that only
 * matter for a byte-exact replay are left out so people can read it.
 */
export function withCurl<T extends ViewOptions>(options: T): T {
  return options.curl
    ? options
    : { ...options, curl: (request) => toCurl(request, { maxBodyBytes: 4_096, exact: false }) };
}
