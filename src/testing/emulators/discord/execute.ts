/**
 * Execute Webhook once the route, token and rate limits have passed: decode, validate, store, answer
 * 204 or (with `?wait=true`) 200 and the message object.
 * @module
 */
import type { Clock } from '../../../resilience/clock.js';
import type { Fields } from '../body.js';
import type { EmulatorRequest, EmulatorResponse } from '../server.js';
import { FormErrors } from './form-errors.js';
import { evaluateMentions } from './mentions.js';
import type { ResolvedDiscordOptions } from './options.js';
import { decodeExecuteBody } from './payload.js';
import { type ApiVersion, errorResponse, formErrorResponse } from './responses.js';
import type { DiscordMessage, DiscordStore, StoredWebhook } from './store.js';
import { validateExecutePayload } from './validate.js';

/** Everything one execution needs. */
export interface ExecuteContext {
  readonly store: DiscordStore;
  readonly options: ResolvedDiscordOptions;
  readonly clock: Clock;
  readonly version: ApiVersion;
  readonly hook: StoredWebhook;
  /** Rate-limit headers to put on the answer. */
  readonly headers: Record<string, string>;
}

type PayloadFields = Fields<
  'content' | 'flags' | 'thread_name' | 'username' | 'avatar_url' | 'tts' | 'embeds' | 'allowed_mentions'
>;

const TRUE = new Set(['true', 'True', '1']);
const FALSE = new Set(['false', 'False', '0']);

/** Handles one Execute Webhook POST. */
export async function executeWebhook(req: EmulatorRequest, ctx: ExecuteContext): Promise<EmulatorResponse> {
  const { options, headers, version } = ctx;
  const formError = (path: Array<string | number>, code: string, message: string): EmulatorResponse => {
    const errors = new FormErrors();
    errors.add(path, code, message);
    return formErrorResponse(errors, version, options.legacyErrorFormat, headers);
  };

  const decoded = await decodeExecuteBody(req.body, req.headers);
  if (!decoded.ok) {
    if (decoded.reason === 'invalid-json') {
      return errorResponse(400, 50109, 'The request body contains invalid JSON.', headers);
    }
    if (decoded.reason === 'not-object') {
      return formError([], 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    }
    return formError(
      [],
      'CONTENT_TYPE_INVALID',
      `Expected "Content-Type" header to be one of {'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'}.`,
    );
  }
  const { payload, files } = decoded;
  req.setParsedBody(files.length > 0 ? { ...payload, files } : payload);

  if (files.some((f) => f.size > options.limits.fileBytes)) {
    return errorResponse(413, 40005, 'Request entity too large', headers);
  }
  const { wait, thread_id: threadId } = req.query;
  if (wait !== undefined && !TRUE.has(wait) && !FALSE.has(wait)) {
    return formError(['wait'], 'BOOLEAN_TYPE_PARSE', `Value "${wait}" is not a valid boolean.`);
  }
  if (threadId !== undefined && !/^\d{1,20}$/.test(threadId)) {
    return formError(['thread_id'], 'NUMBER_TYPE_COERCE', `Value "${threadId}" is not snowflake.`);
  }

  const verdict = validateExecutePayload(payload, {
    limits: options.limits,
    unit: options.lengthUnit,
    strictUsernames: options.strictUsernames,
    files: files.length,
  });
  if (verdict.kind === 'invalid')
    return formErrorResponse(verdict.errors, version, options.legacyErrorFormat, headers);
  if (verdict.kind === 'empty') return errorResponse(400, 50006, 'Cannot send an empty message', headers);

  const fields = payload as PayloadFields;
  const threadName = typeof fields.thread_name === 'string' ? fields.thread_name : undefined;
  if (ctx.hook.forum && threadName === undefined && threadId === undefined) {
    return errorResponse(
      400,
      220001,
      'Webhooks posted to forum channels must have a thread_name or thread_id',
      headers,
    );
  }
  if (ctx.hook.forum && threadName !== undefined && threadId !== undefined) {
    return errorResponse(
      400,
      220002,
      'Webhooks posted to forum channels cannot have both a thread_name and thread_id',
      headers,
    );
  }

  const message = store(req, ctx, payload, files, threadId, ctx.hook.forum ? threadName : undefined);
  if (wait === undefined || FALSE.has(wait)) return { status: 204, headers };
  return { status: 200, headers, body: messageObject(message, ctx.hook) };
}

function store(
  req: EmulatorRequest,
  ctx: ExecuteContext,
  payload: Record<string, unknown>,
  files: DiscordMessage['files'],
  threadId: string | undefined,
  threadName: string | undefined,
): DiscordMessage {
  const p = payload as PayloadFields;
  const content = typeof p.content === 'string' ? p.content : '';
  const flags = Number(p.flags ?? 0) || 0;
  const newThread = threadName !== undefined ? ctx.store.snowflake() : undefined;
  const message: DiscordMessage = {
    id: ctx.store.snowflake(),
    webhookId: ctx.hook.id,
    channelId: threadId ?? newThread ?? ctx.hook.channelId,
    threadId: threadId ?? newThread,
    threadName,
    apiVersion: ctx.version.version,
    content,
    username: typeof p.username === 'string' ? p.username : undefined,
    avatarUrl: typeof p.avatar_url === 'string' ? p.avatar_url : undefined,
    tts: p.tts === true,
    embeds: Array.isArray(p.embeds) ? p.embeds : [],
    flags,
    silent: (flags & (1 << 12)) !== 0,
    allowedMentions: p.allowed_mentions,
    mentionsPinged: evaluateMentions(content, p.allowed_mentions, ctx.options.defaultAllowedMentions),
    files,
    payload,
    time: req.time,
  };
  ctx.store.addMessage(message);
  return message;
}

function messageObject(m: DiscordMessage, hook: StoredWebhook): Record<string, unknown> {
  return {
    id: m.id,
    type: 0,
    content: m.content,
    channel_id: m.channelId,
    author: {
      id: hook.id,
      username: m.username ?? hook.name,
      avatar: null,
      discriminator: '0000',
      public_flags: 0,
      flags: 0,
      bot: true,
      global_name: null,
    },
    attachments: m.files.map((f, i) => ({
      id: String(i),
      filename: f.filename,
      size: f.size,
      content_type: f.contentType,
    })),
    embeds: m.embeds.map((e) => (typeof e === 'object' && e !== null ? { ...e, type: 'rich' } : e)),
    mentions: m.mentionsPinged.users.map((id) => ({ id })),
    mention_roles: [...m.mentionsPinged.roles],
    pinned: false,
    mention_everyone: m.mentionsPinged.everyone || m.mentionsPinged.here,
    tts: m.tts,
    timestamp: new Date(m.time).toISOString(),
    edited_timestamp: null,
    flags: m.flags,
    components: [],
    webhook_id: hook.id,
  };
}
