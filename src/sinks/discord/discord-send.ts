/**
 * The send half of the Discord destination: one Execute Webhook call, its answer turned into a
 * SendResult, and the X-RateLimit-* headers turned into pacing information.
 * @module
 */
import type { RateInfo, SendResult } from '../../core/sink.js';
import { AuthenticationError, DestinationGoneError, RateLimitedError } from '../../resilience/errors.js';
import { discordRetryAfterMs, parseRetryAfterHeader } from '../../resilience/retry-after.js';
import { type RetryableStatus, retryableStatus, statusFailure } from '../http/classify.js';
import { type HttpResponse, type HttpTransport, header } from '../http/transport.js';

const WEBHOOK_PATH = /\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([^/?#]+)/;

/** True when `value` is an absolute URL whose path is a Discord webhook's (`…/api/webhooks/{id}/{token}`). */
export function isDiscordWebhookUrl(value: string): boolean {
  try {
    return WEBHOOK_PATH.test(new URL(value).pathname);
  } catch {
    return false;
  }
}

/**
 * The webhook on API v10 (seconds in retry_after, nested error format), whatever version the copied
 * webhook URL names. The query of the copied URL is kept.
 * @throws TypeError when the URL is not a Discord webhook URL.
 */
export function discordWebhookUrl(webhookUrl: string): URL {
  const url = new URL(webhookUrl);
  const match = WEBHOOK_PATH.exec(url.pathname);
  if (!match) throw new TypeError('not a Discord webhook URL (expected …/api/webhooks/{id}/{token})');
  url.pathname = url.pathname.replace(WEBHOOK_PATH, `/api/v10/webhooks/${match[1]}/${match[2]}`);
  return url;
}

/**
 * The Execute Webhook URL on API v10; adds `thread_id` when given.
 * @throws TypeError when the URL is not a Discord webhook URL.
 */
export function discordExecuteUrl(webhookUrl: string, threadId?: string): string {
  const url = discordWebhookUrl(webhookUrl);
  url.searchParams.set('wait', 'false');
  if (threadId) url.searchParams.set('thread_id', threadId);
  return url.toString();
}

/** Posts one payload; never throws. */
export async function sendToDiscord(
  transport: HttpTransport,
  executeUrl: string,
  payload: unknown,
  signal: AbortSignal,
  now: () => number,
  retryable: RetryableStatus = retryableStatus(),
): Promise<SendResult> {
  const outcome = await transport.send(executeUrl, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
    signal,
  });
  if (!outcome.ok) return { ok: false, kind: 'retryable', error: outcome.error };
  return classifyDiscord(outcome.response, now(), retryable);
}

/** Reads Discord's bucket headers (Reset-After is in seconds with decimals). */
export function discordRateInfo(response: HttpResponse): RateInfo | undefined {
  const remaining = Number(header(response, 'x-ratelimit-remaining'));
  const resetAfter = Number(header(response, 'x-ratelimit-reset-after'));
  const limit = Number(header(response, 'x-ratelimit-limit'));
  if (!Number.isFinite(remaining) && !Number.isFinite(resetAfter)) return undefined;
  return {
    ...(Number.isFinite(remaining) ? { remaining } : {}),
    ...(Number.isFinite(resetAfter) ? { resetAfterMs: Math.ceil(resetAfter * 1000) } : {}),
    ...(Number.isFinite(limit) ? { limit } : {}),
  };
}

/**
 * Maps a Discord answer to a SendResult: Discord's own rules first (429 bodies, a deleted webhook),
 * then `retryable` for the other failures. Error texts quote Discord's code and message, never the URL.
 */
export function classifyDiscord(
  response: HttpResponse,
  now: number,
  retryable: RetryableStatus = retryableStatus(),
): SendResult {
  const { status } = response;
  const rate = discordRateInfo(response);
  if (status >= 200 && status < 300) return rate ? { ok: true, rate } : { ok: true };
  const body = parseJson(response.text) as { code?: number; message?: string; global?: boolean } | undefined;
  const detail = `Discord ${status}${body?.code === undefined ? '' : ` (code ${body.code})`}: ${describeBody(body, response.text)}`;
  if (status === 429) {
    const retryAfterMs =
      discordRetryAfterMs(body, true) ?? parseRetryAfterHeader(header(response, 'retry-after'), now);
    const error = new RateLimitedError(`${detail}${body?.global ? ' [global]' : ''}`, {
      statusCode: 429,
      retryAfterMs,
    });
    return {
      ok: false,
      kind: 'retryable',
      error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(rate ? { rate } : {}),
    };
  }
  if (status === 404 || body?.code === 10015) {
    // "If a webhook returns a 404 status you should not attempt to use it again."
    return { ok: false, kind: 'gone', error: new DestinationGoneError(detail, { statusCode: status }) };
  }
  if (status === 401 || status === 403 || body?.code === 50027) {
    return { ok: false, kind: 'gone', error: new AuthenticationError(detail, { statusCode: status }) };
  }
  return statusFailure(status, detail, retryable);
}

function describeBody(body: { message?: string; errors?: unknown } | undefined, text: string): string {
  if (!body) return text.slice(0, 200) || '(empty body)';
  const errors = body.errors === undefined ? '' : ` ${JSON.stringify(body.errors).slice(0, 300)}`;
  return `${body.message ?? 'error'}${errors}`;
}

/** The body as JSON, `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
