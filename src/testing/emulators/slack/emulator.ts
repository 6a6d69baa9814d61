/**
 * A local Slack incoming-webhook endpoint: `POST /services/T…/B…/X…` with Slack's plain-text answers,
 * Block Kit limits, per-channel pacing and a record of what each message would show and notify.
 * @module
 */
import { STATUS_CODES } from 'node:http';
import { type Fields, isObject, mediaType, parseForm, parseJson } from '../body.js';
import { KeyedWindows, TokenBucket } from '../rate-windows.js';
import { pushBounded } from '../recorder.js';
import { createSeededRandom, randomString } from '../seeded-random.js';
import {
  type EmulatorHandle,
  type EmulatorRequest,
  type EmulatorResponse,
  startEmulatorServer,
} from '../server.js';
import { measureLength } from '../text-length.js';
import { displayText, findNotifications, renderedTexts, type SlackNotifications } from './notifications.js';
import { type ResolvedSlackOptions, resolveSlackOptions, type SlackEmulatorOptions } from './options.js';
import { validateBlocks } from './validate-blocks.js';

/** A created webhook. */
export interface SlackWebhookInfo {
  readonly url: string;
  readonly teamId: string;
  readonly botId: string;
  readonly channel: string;
}

/** A message a channel received. */
export interface SlackMessage {
  readonly webhookUrl: string;
  readonly channel: string;
  /** Top-level `text` (truncated to the text limit, as Slack does). */
  readonly text: string | undefined;
  readonly truncated: boolean;
  readonly blocks: readonly unknown[] | undefined;
  readonly attachments: readonly unknown[] | undefined;
  /** Approximately what the channel shows: every rendered text, mentions and links resolved. */
  readonly displayText: string;
  /** Whom it would notify. */
  readonly notifications: SlackNotifications;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Acceptance time on the emulator's clock (epoch ms). */
  readonly time: number;
}

/** State of a webhook. */
type HookState = 'active' | 'revoked' | 'prohibited';

interface StoredHook extends SlackWebhookInfo {
  readonly secret: string;
  state: HookState;
}

/** A running Slack emulator. */
export interface SlackEmulator extends EmulatorHandle {
  readonly options: ResolvedSlackOptions;
  /** Creates a webhook bound to `channel`. @default channel '#emulated' */
  createWebhook(options?: { readonly channel?: string }): SlackWebhookInfo;
  /** Revokes a webhook (404 `no_service`), now or after `afterRequests` more requests. */
  revokeWebhook(url: string, options?: { readonly afterRequests?: number }): void;
  /** Makes a webhook answer 403 `action_prohibited` (a workspace restriction). */
  prohibitWebhook(url: string, options?: { readonly afterRequests?: number }): void;
  /** Archives a channel: its webhooks answer 410 `channel_is_archived`. */
  archiveChannel(channel: string, options?: { readonly afterRequests?: number }): void;
  /** Live webhooks in creation order. */
  webhooks(): SlackWebhookInfo[];
  /** Accepted messages in order, optionally of one webhook URL or channel. */
  messages(urlOrChannel?: string): SlackMessage[];
}

const ROUTE = /^\/services\/([^/]+)\/([^/]+)\/([^/]+)\/?$/;
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const text = (status: number, body: string, headers: Record<string, string> = {}): EmulatorResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body,
});

/**
 * Starts a Slack incoming-webhook emulator on 127.0.0.1.
 * @example
 * const slack = await startSlackEmulator();
 * const [hook] = slack.webhooks();
 * await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' });
 * slack.messages()[0].notifications.any; // false
 */
export async function startSlackEmulator(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const resolved = resolveSlackOptions(options);
  const random = createSeededRandom(options.seed ?? 1);
  const hooks = new Map<string, StoredHook>();
  const archived = new Set<string>();
  const messages: SlackMessage[] = [];
  const pace = new KeyedWindows(() => new TokenBucket(resolved.burst, resolved.intervalMs));

  const handle = (req: EmulatorRequest): EmulatorResponse => {
    const route = ROUTE.exec(req.path);
    if (!route) return text(404, 'no_service');
    const hook = hooks.get(`${route[1]}/${route[2]}`);
    if (!hook || hook.state === 'revoked') return text(404, 'no_service');
    if (hook.secret !== route[3]) return text(403, 'invalid_token');
    if (hook.state === 'prohibited') return text(403, 'action_prohibited');
    if (archived.has(hook.channel)) return text(410, 'channel_is_archived');
    if (req.method !== 'POST') return text(400, 'invalid_payload');

    const form = mediaType(req.headers) === 'application/x-www-form-urlencoded';
    const source = form ? (parseForm(req.body).get('payload') ?? '') : req.body.toString('utf8');
    const parsed = parseJson(source);
    if (!parsed.ok || !isObject(parsed.value)) return text(400, 'invalid_payload');
    const payload = parsed.value;
    req.setParsedBody(payload);
    const p = payload as Fields<'text' | 'blocks' | 'attachments'>;
    if (p.blocks !== undefined) {
      const problem = validateBlocks(p.blocks, resolved.limits, resolved.lengthUnit);
      if (problem) return text(400, problem.error, { 'x-emulator-detail': problem.detail });
    }
    const hasText = typeof p.text === 'string' && p.text.trim() !== '';
    const hasBlocks = Array.isArray(p.blocks) && p.blocks.length > 0;
    const hasAttachments = Array.isArray(p.attachments) && p.attachments.length > 0;
    if (!hasText && !hasBlocks && !hasAttachments) return text(400, 'no_text');
    if (Array.isArray(p.attachments) && p.attachments.length > resolved.limits.attachments) {
      return text(400, 'too_many_attachments');
    }
    const decision = pace.get(hook.channel).take(req.time);
    if (!decision.allowed) {
      return text(429, 'rate_limited', {
        'Retry-After': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))),
      });
    }
    const full = typeof p.text === 'string' ? p.text : undefined;
    const truncated = full !== undefined && measureLength(full, resolved.lengthUnit) > resolved.limits.text;
    pushBounded(
      messages,
      {
        webhookUrl: hook.url,
        channel: hook.channel,
        text: truncated ? full.slice(0, resolved.limits.text) : full,
        truncated,
        blocks: Array.isArray(p.blocks) ? p.blocks : undefined,
        attachments: Array.isArray(p.attachments) ? p.attachments : undefined,
        displayText: renderedTexts(payload).map(displayText).join('\n'),
        notifications: findNotifications(payload),
        payload,
        time: req.time,
      },
      server.maxRecords,
    );
    return text(200, 'ok');
  };

  const server = await startEmulatorServer(
    {
      handle,
      failure: (_req, status) =>
        text(status, status === 500 ? 'rollup_error' : (STATUS_CODES[status] ?? 'error')),
      rateLimited: (_req, retryAfterSec) =>
        text(429, 'rate_limited', { 'Retry-After': String(Math.ceil(retryAfterSec)) }),
    },
    options,
  );

  const create = (o: { readonly channel?: string } = {}): SlackWebhookInfo => {
    const teamId = `T${randomString(random, 10, UPPER)}`;
    const botId = `B${randomString(random, 10, UPPER)}`;
    const secret = randomString(random, 24, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
    const hook: StoredHook = {
      url: `${server.url}/services/${teamId}/${botId}/${secret}`,
      teamId,
      botId,
      channel: o.channel ?? '#emulated',
      secret,
      state: 'active',
    };
    hooks.set(`${teamId}/${botId}`, hook);
    return info(hook);
  };
  const find = (url: string): StoredHook => {
    const hook = [...hooks.values()].find((h) => h.url === url || h.botId === url);
    if (!hook) throw new RangeError(`unknown webhook ${url}`);
    return hook;
  };
  const later = (n: number | undefined, action: () => void): void =>
    server.faults.afterRequests(n ?? 0, action);
  if (options.defaultWebhook ?? true) create();

  return {
    ...server.handle({
      resetState() {
        pace.clear();
        messages.length = 0;
      },
      describe() {
        const lines = [`Slack incoming-webhook emulator listening on ${server.url}`];
        for (const h of hooks.values()) {
          if (h.state !== 'revoked') lines.push(`  webhook for ${h.channel}`, `    POST ${h.url}`);
        }
        lines.push(
          `  limits: ${resolved.burst} per ${resolved.intervalMs} ms per channel; ${resolved.limits.blocks} blocks`,
        );
        return lines;
      },
      readBack: () => ({ messages: [...messages] }),
    }),
    options: resolved,
    createWebhook: create,
    revokeWebhook(url, o = {}) {
      const hook = find(url);
      later(o.afterRequests, () => {
        hook.state = 'revoked';
      });
    },
    prohibitWebhook(url, o = {}) {
      const hook = find(url);
      later(o.afterRequests, () => {
        hook.state = 'prohibited';
      });
    },
    archiveChannel: (channel, o = {}) => later(o.afterRequests, () => archived.add(channel)),
    webhooks: () => [...hooks.values()].filter((h) => h.state !== 'revoked').map(info),
    messages: (key) => messages.filter((m) => key === undefined || m.webhookUrl === key || m.channel === key),
  };
}

function info(hook: StoredHook): SlackWebhookInfo {
  return { url: hook.url, teamId: hook.teamId, botId: hook.botId, channel: hook.channel };
}
