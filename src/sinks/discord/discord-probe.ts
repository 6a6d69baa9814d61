/**
 * Checks a Discord webhook without posting: Get Webhook with Token answers the webhook's name and
 * channel, or the same 404/401 an Execute Webhook call would get.
 * @module
 */
import type { ProbeOutcome } from '../../core/sink.js';
import { probeRequest } from '../http/probe-request.js';
import type { HttpTransport } from '../http/transport.js';
import { discordWebhookUrl, parseJson } from './discord-send.js';

interface WebhookAnswer {
  readonly name?: unknown;
  readonly channel_id?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly retry_after?: unknown;
}

/** GET on the webhook; never throws. */
export async function probeDiscord(
  transport: HttpTransport,
  webhookUrl: string,
  signal: AbortSignal,
): Promise<ProbeOutcome> {
  const url = discordWebhookUrl(webhookUrl);
  url.search = '';
  const answer = await probeRequest(transport, url.toString(), { method: 'GET', signal });
  if (!answer.ok) return answer.outcome;
  const { status, text } = answer.response;
  const body = (parseJson(text) ?? {}) as WebhookAnswer;
  if (status === 200 && typeof body.channel_id === 'string') {
    return { status: 'ok', detail: `webhook "${String(body.name)}" in channel ${body.channel_id}` };
  }
  const code = typeof body.code === 'number' ? body.code : undefined;
  const said = `${typeof body.message === 'string' ? body.message : `HTTP ${status}`}${code === undefined ? '' : ` (${code})`}`;
  if (code === 10015 || status === 404)
    return { status: 'failed', detail: `${said}: the webhook was deleted` };
  if (code === 50027 || status === 401) {
    return { status: 'failed', detail: `${said}: the token in the webhook URL is wrong` };
  }
  if (status === 429) {
    const wait = typeof body.retry_after === 'number' ? ` (retry after ${body.retry_after} s)` : '';
    return { status: 'failed', detail: `rate limited${wait}: try again later` };
  }
  return { status: 'failed', detail: `Discord answered ${status}: ${said}` };
}
