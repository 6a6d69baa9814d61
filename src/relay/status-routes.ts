/**
 * The status page's routes: `GET /status` (a session or a bearer token), the login form that sets
 * the session cookie, logout, and replay of dead letters (form posts, CSRF-checked by the server).
 * @module
 */
import type { Offpath } from '../instance/create-offpath.js';
import type { Clock } from '../resilience/clock.js';
import { htmlReply, type Reply, redirect } from '../server/reply.js';
import type { ServiceServer } from '../server/service-server.js';
import type { TokenSet } from '../server/token-set.js';
import type { RecentExchanges } from './recent-exchanges.js';
import { renderLoginPage, renderStatusPage, STATUS_SCRIPT, type StatusPanels } from './status-page.js';

/** What the status routes need. */
export interface StatusRouteDeps {
  readonly server: ServiceServer;
  readonly instance: Offpath;
  readonly exchanges: RecentExchanges;
  readonly panels: StatusPanels;
  /** The tokens accepted right now (they change on reload). */
  readonly tokens: () => TokenSet;
  readonly clock: Clock;
}

/** Dead letters shown at most on one page. */
const LETTERS_SHOWN = 50;

/** Adds the status page routes. */
export function mountStatusRoutes(deps: StatusRouteDeps): void {
  const { server, instance } = deps;
  server.routes.add({
    method: 'GET',
    path: '/status',
    access: 'session',
    handler: (req) => {
      const filter = {
        destination: req.url.searchParams.get('destination') || undefined,
        reason: req.url.searchParams.get('reason') || undefined,
      };
      const replayed = req.url.searchParams.get('replayed');
      return htmlReply(
        200,
        renderStatusPage({
          instance,
          session: req.session,
          exchanges: deps.exchanges.list(),
          letters: instance.deadLetters({ ...definedOnly(filter), limit: LETTERS_SHOWN }),
          filter,
          notice: replayed === null ? undefined : `${Number(replayed)} dead letter(s) requeued for delivery`,
          panels: deps.panels.list(),
          now: deps.clock.now(),
        }),
      );
    },
  });
  server.routes.add({
    method: 'GET',
    path: '/status/app.js',
    access: 'public',
    handler: () => ({
      status: 200,
      headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' },
      body: STATUS_SCRIPT,
    }),
  });
  server.routes.add({
    method: 'GET',
    path: '/status/login',
    access: 'public',
    handler: () => htmlReply(200, renderLoginPage()),
  });
  server.routes.add({
    method: 'POST',
    path: '/status/login',
    access: 'public',
    handler: async (req): Promise<Reply> => {
      const body = await req.body();
      const token = body.ok ? new URLSearchParams(body.bytes.toString('utf8')).get('token') : null;
      if (!deps.tokens().matches(token ?? undefined)) {
        return htmlReply(401, renderLoginPage('That token is not accepted.'));
      }
      const session = server.sessions.create();
      return redirect('/status', { 'set-cookie': server.sessions.cookie(session) });
    },
  });
  server.routes.add({
    method: 'POST',
    path: '/status/logout',
    access: 'session',
    handler: (req) => {
      if (req.session) server.sessions.delete(req.session.id);
      return redirect('/status/login', { 'set-cookie': server.sessions.cookie(undefined) });
    },
  });
  server.routes.add({
    method: 'POST',
    path: '/status/replay',
    access: 'session',
    handler: async (req) => {
      const form = req.form ?? new URLSearchParams(await bodyText(req));
      const id = Number(form.get('id') ?? Number.NaN);
      const filter =
        Number.isInteger(id) && id > 0
          ? { ids: [id] }
          : definedOnly({
              destination: form.get('destination') || undefined,
              reason: form.get('reason') || undefined,
            });
      const requeued = instance.replayDeadLetters(filter);
      return redirect(`/status?replayed=${requeued}`);
    },
  });
}

async function bodyText(req: { body(): Promise<{ ok: boolean; bytes?: Buffer }> }): Promise<string> {
  const body = await req.body();
  return body.ok && body.bytes ? body.bytes.toString('utf8') : '';
}

function definedOnly<T extends Record<string, string | undefined>>(filter: T): { [K in keyof T]?: string } {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filter)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: string };
}
