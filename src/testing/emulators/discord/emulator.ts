/**
 * A local Discord that serves Execute Webhook on `/api/webhooks/:id/:token` (v6 semantics) and
 * `/api/v{6..10}/webhooks/:id/:token`, with Discord's validation, error bodies and rate limits.
 * @module
 */
import { STATUS_CODES } from 'node:http';
import { createSeededRandom } from '../seeded-random.js';
import {
  type EmulatorHandle,
  type EmulatorRequest,
  type EmulatorResponse,
  type EmulatorServer,
  startEmulatorServer,
} from '../server.js';
import { executeWebhook } from './execute.js';
import {
  type DiscordEmulatorOptions,
  type ResolvedDiscordOptions,
  resolveDiscordOptions,
} from './options.js';
import { DiscordRateLimits } from './rate-limits.js';
import { type ApiVersion, bucketHash, errorResponse, rateHeaders, rateLimitedResponse } from './responses.js';
import {
  type CreateWebhookOptions,
  type DiscordMessage,
  DiscordStore,
  type DiscordWebhookInfo,
} from './store.js';

/** A running Discord emulator. */
export interface DiscordEmulator extends EmulatorHandle {
  /** The options in force, defaults applied. */
  readonly options: ResolvedDiscordOptions;
  /** Creates a webhook; its `url` is ready to post to. */
  createWebhook(options?: CreateWebhookOptions): DiscordWebhookInfo;
  /**
   * Deletes a webhook: later calls get 404 `10015 Unknown Webhook`. With `afterRequests: n` the deletion
   * happens once n more requests (to any webhook) have been handled, to simulate a deletion mid-run.
   */
  deleteWebhook(id: string, options?: { readonly afterRequests?: number }): void;
  /** Live webhooks in creation order (the first is the default one unless disabled). */
  webhooks(): DiscordWebhookInfo[];
  /** Accepted messages in order, optionally of one webhook. */
  messages(webhookId?: string): DiscordMessage[];
  /** Invalid requests (401, 403, non-shared 429) counted for `ip` in the current window. @default ip '127.0.0.1' */
  invalidRequests(ip?: string): number;
}

const ROUTE = /^\/api(?:\/v(\d+))?\/webhooks\/(\d+)(?:\/([^/]+))?\/?$/;

interface Route {
  readonly version: ApiVersion;
  readonly id: string;
  readonly token: string | undefined;
}

function parseRoute(path: string): Route | undefined {
  const m = ROUTE.exec(path);
  if (!m) return undefined;
  const version = m[1] === undefined ? 6 : Number(m[1]);
  return { version: { version, legacy: version < 8 }, id: m[2] ?? '', token: m[3] };
}

/**
 * Starts a Discord emulator on 127.0.0.1.
 * @example
 * const discord = await startDiscordEmulator({ clock: new ManualClock() });
 * const [hook] = discord.webhooks();
 * await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"content":"hi"}' });
 * discord.messages()[0].content; // 'hi'
 * await discord.close();
 */
export async function startDiscordEmulator(options: DiscordEmulatorOptions = {}): Promise<DiscordEmulator> {
  const resolved = resolveDiscordOptions(options);
  const limits = new DiscordRateLimits(resolved);
  const bans = new WeakSet<EmulatorResponse>();
  let store: DiscordStore | undefined;
  const state = (): DiscordStore => {
    if (!store) throw new Error('emulator not started');
    return store;
  };

  const routeHeaders = (
    req: EmulatorRequest,
    route: Route,
    override?: { remaining: number; resetAt: number },
  ) => {
    const decision = limits.peekBucket(`${req.method}:${route.id}/${route.token}`, req.time);
    return rateHeaders({ ...decision, ...override }, bucketHash(req.method), req.time);
  };

  const handle = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const route = parseRoute(req.path);
    if (!route) return errorResponse(404, 0, '404: Not Found');
    const { version } = route;
    if (version.version < 6 || version.version > 10) return errorResponse(400, 50041, 'Invalid API version');
    if (limits.banned(req.ip, req.time)) {
      const ban: EmulatorResponse = {
        status: 403,
        body: 'banned: too many invalid requests from this address (emulated temporary restriction)',
      };
      bans.add(ban);
      return ban;
    }
    const global = limits.takeGlobal(req.ip, req.time);
    if (!global.allowed) {
      return rateLimitedResponse({
        version,
        retryAfterMs: global.retryAfterMs,
        scope: 'global',
        legacyHeader: resolved.legacyRetryAfterHeader,
      });
    }
    if (route.token === undefined) return errorResponse(401, 0, '401: Unauthorized');
    if (req.method !== 'POST' && req.method !== 'GET' && req.method !== 'DELETE') {
      return errorResponse(405, 0, '405: Method Not Allowed', routeHeaders(req, route));
    }
    const hook = state().webhooks.get(route.id);
    const live = hook !== undefined && !hook.deleted;
    const valid = live && hook.token === route.token;
    const bucketKey = `${req.method}:${route.id}/${route.token}`;
    const outcome = limits.takeRoute(
      bucketKey,
      req.method === 'POST' && valid ? hook.channelId : undefined,
      req.time,
    );
    const headers = rateHeaders(outcome.bucket, bucketHash(req.method), req.time);
    if (outcome.kind === 'limited') {
      return rateLimitedResponse({
        version,
        retryAfterMs: outcome.retryAfterMs,
        scope: outcome.scope,
        headers,
        legacyHeader: resolved.legacyRetryAfterHeader,
      });
    }
    if (!live) return errorResponse(404, 10015, 'Unknown Webhook', headers);
    if (!valid) return errorResponse(401, 50027, 'Invalid Webhook Token', headers);
    if (req.method === 'DELETE') {
      // Delete Webhook with Token: lets a test remove a webhook over HTTP, as a user would in Discord.
      hook.deleted = true;
      return { status: 204, headers };
    }
    if (req.method === 'GET') {
      const body = {
        application_id: null,
        avatar: null,
        channel_id: hook.channelId,
        guild_id: hook.guildId,
        id: hook.id,
        name: hook.name,
        type: 1,
        token: hook.token,
      };
      return { status: 200, headers, body };
    }
    return executeWebhook(req, {
      store: state(),
      options: resolved,
      clock: server.clock,
      version,
      hook,
      headers,
    });
  };

  const server: EmulatorServer = await startEmulatorServer(
    {
      handle,
      failure(req, status) {
        const route = parseRoute(req.path);
        const headers = route ? routeHeaders(req, route) : {};
        if (status === 413) return errorResponse(413, 40005, 'Request entity too large', headers);
        return errorResponse(status, 0, `${status}: ${STATUS_CODES[status] ?? 'Error'}`, headers);
      },
      rateLimited(req, retryAfterSec) {
        const route = parseRoute(req.path);
        const retryAfterMs = retryAfterSec * 1000;
        return rateLimitedResponse({
          version: route?.version ?? { version: 10, legacy: false },
          retryAfterMs,
          scope: 'user',
          headers: route ? routeHeaders(req, route, { remaining: 0, resetAt: req.time + retryAfterMs }) : {},
          legacyHeader: resolved.legacyRetryAfterHeader,
        });
      },
      answered(req, res) {
        if (bans.has(res)) return;
        const scope = res.headers?.['X-RateLimit-Scope'];
        const invalid =
          res.status === 401 ||
          res.status === 403 ||
          (res.status === 429 && scope !== 'shared') ||
          (res.status === 404 && resolved.countNotFoundAsInvalid);
        if (invalid) limits.countInvalid(req.ip, req.time);
      },
    },
    options,
  );
  store = new DiscordStore(server.clock, createSeededRandom(options.seed ?? 1), server.maxRecords);
  if (options.defaultWebhook ?? true) store.create(server.url);

  const describe = (): string[] => {
    const r = resolved;
    const lines = [`Discord emulator listening on ${server.url}`];
    for (const h of state().list()) {
      lines.push(`  webhook ${h.id} (channel ${h.channelId})`);
      lines.push(`    POST ${h.url}`);
      lines.push(`    POST ${h.legacyUrl}   (unversioned: v6 units, flat errors)`);
    }
    lines.push(
      `  limits: ${r.webhookLimit}/${r.webhookWindowMs} ms per webhook, ${r.channelLimit}/${r.channelWindowMs} ms per channel, ${r.globalLimit}/${r.globalWindowMs} ms per IP`,
    );
    return lines;
  };
  return {
    ...server.handle({
      resetState() {
        limits.reset();
        state().messages.length = 0;
      },
      describe,
      readBack: () => ({ messages: [...state().messages] }),
    }),
    options: resolved,
    createWebhook: (o) => state().create(server.url, o),
    deleteWebhook(id, o = {}) {
      const hook = state().webhooks.get(id);
      if (!hook) throw new RangeError(`unknown webhook ${id}`);
      server.faults.afterRequests(o.afterRequests ?? 0, () => {
        hook.deleted = true;
      });
    },
    webhooks: () => state().list(),
    messages: (webhookId) =>
      state().messages.filter((m) => webhookId === undefined || m.webhookId === webhookId),
    invalidRequests: (ip = '127.0.0.1') => limits.invalidCount(ip, server.clock.now()),
  };
}
