/**
 * The send half of the Slack destination: one incoming-webhook POST. Slack answers `ok` or an error
 * string with the HTTP status.
 * @module
 */
import type { SendResult } from '../../core/sink.js';
import { AuthenticationError, DestinationGoneError, RateLimitedError } from '../../resilience/errors.js';
import { parseRetryAfterHeader } from '../../resilience/retry-after.js';
import { type RetryableStatus, retryableStatus, statusFailure } from '../http/classify.js';
import { type HttpTransport, header } from '../http/transport.js';

const GONE = new Set([
  'no_service',
  'no_service_id',
  'channel_not_found',
  'channel_is_archived',
  'no_team',
  'team_disabled',
  'no_active_hooks',
]);
const AUTH = new Set(['invalid_token', 'action_prohibited', 'posting_to_general_channel_denied']);

// An incoming webhook: …/services/{team}/{bot}/{secret}, whatever host serves it.
const WEBHOOK_PATH = /\/services\/[^/]+\/[^/]+\/[^/]+\/?$/;

/** True when `value` is an absolute URL whose path is a Slack incoming webhook's. */
export function isSlackWebhookUrl(value: string): boolean {
  try {
    return WEBHOOK_PATH.test(new URL(value).pathname);
  } catch {
    return false;
  }
}

/** Posts one payload; never throws. */
export async function sendToSlack(
  transport: HttpTransport,
  webhookUrl: string,
  payload: unknown,
  signal: AbortSignal,
  now: () => number,
  retryable: RetryableStatus = retryableStatus(),
): Promise<SendResult> {
  const outcome = await transport.send(webhookUrl, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
    signal,
  });
  if (!outcome.ok) return { ok: false, kind: 'retryable', error: outcome.error };
  const { status } = outcome.response;
  const text = outcome.response.text.trim();
  if (status >= 200 && status < 300) return { ok: true };
  const detail = `Slack ${status}: ${text.slice(0, 200) || '(empty body)'}`;
  if (status === 429) {
    const retryAfterMs = parseRetryAfterHeader(header(outcome.response, 'retry-after'), now());
    return {
      ok: false,
      kind: 'retryable',
      error: new RateLimitedError(detail, { statusCode: 429, retryAfterMs }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (GONE.has(text) || status === 404 || status === 410)
    return { ok: false, kind: 'gone', error: new DestinationGoneError(detail, { statusCode: status }) };
  if (AUTH.has(text) || status === 401 || status === 403)
    return { ok: false, kind: 'gone', error: new AuthenticationError(detail, { statusCode: status }) };
  return statusFailure(status, detail, retryable);
}
