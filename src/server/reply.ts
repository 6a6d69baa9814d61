/**
 * What a route handler answers: a plain value the server writes, so handlers stay testable and never
 * touch the socket.
 * @module
 */

/** An HTTP answer. */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | Uint8Array;
}

/** A JSON answer. */
export function jsonReply(
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

/** A JSON `{ "error": message }` answer. */
export function problem(
  status: number,
  message: string,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): Reply {
  return jsonReply(status, { error: message }, headers);
}

/** An HTML page. */
export function htmlReply(
  status: number,
  html: string,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): Reply {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page runs no third-party code and is never framed.
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      ...headers,
    },
    body: html,
  };
}

/** A redirect after a form post (303 See Other turns the POST into a GET). */
export function redirect(
  location: string,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): Reply {
  return { status: 303, headers: { location, ...headers } };
}
