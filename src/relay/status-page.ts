/**
 * The status page's markup: destinations (health, circuit, backlog, last success and failure),
 * recent exchanges, dead letters with a filter and replay buttons, and any panels other features add
 * (a gateway's breakers, for example) through {@link StatusPanels}.
 * @module
 */
import type { DeadLetter, Offpath } from '../instance/create-offpath.js';
import { html, page, type SafeHtml } from '../server/html.js';
import type { Session } from '../server/sessions.js';
import type { Exchange } from './recent-exchanges.js';

/** A section another feature adds to the page. */
export interface StatusPanel {
  /** Unique id (used as the section's anchor). */
  readonly id: string;
  readonly title: string;
  /** Renders the section's body; build it with `html` so values are escaped. */
  render(): SafeHtml;
}

/** Panels added by other features, shown after the relay's own sections. */
export class StatusPanels {
  readonly #panels: StatusPanel[] = [];

  /** @throws TypeError when the id is taken. */
  add(panel: StatusPanel): void {
    if (this.#panels.some((p) => p.id === panel.id))
      throw new TypeError(`status panel "${panel.id}" already exists`);
    this.#panels.push(panel);
  }

  list(): readonly StatusPanel[] {
    return this.#panels;
  }
}

/** What one rendering shows. */
export interface StatusView {
  readonly instance: Offpath;
  readonly session: Session | undefined;
  readonly exchanges: readonly Exchange[];
  readonly letters: readonly DeadLetter[];
  readonly filter: { readonly destination?: string | undefined; readonly reason?: string | undefined };
  readonly notice?: string | undefined;
  readonly panels: readonly StatusPanel[];
  readonly now: number;
}

const DEAD_LETTER_REASONS = ['rejected', 'destination_gone', 'retries_exhausted', 'format_failed'];

/** The whole status page. */
export function renderStatusPage(view: StatusView): string {
  const { instance, session } = view;
  const stats = instance.stats();
  const health = instance.health();
  const csrf = session?.csrf ?? '';
  const rows = Object.entries(health.destinations).map(([name, h]) => {
    const d = stats.destinations[name];
    const backlog = (d?.queueDepth ?? 0) + (stats.spool?.backlog[name] ?? 0);
    return html`<tr data-destination="${name}">
<td><strong>${name}</strong></td><td><span class="pill ${h.state}">${h.state}</span></td>
<td><span class="pill ${d?.circuit ?? ''}">${d?.circuit ?? '-'}</span></td>
<td class="num">${backlog}</td><td class="num" data-delivered>${d?.delivered ?? 0}</td>
<td class="num">${d?.deadLettered ?? 0}</td><td>${ago(h.lastSuccess?.at, view.now)}</td>
<td>${h.lastFailure ? html`${ago(h.lastFailure.at, view.now)} <span class="muted">${h.lastFailure.status ?? ''} ${h.lastFailure.code}</span>` : '-'}</td>
</tr>`;
  });
  const exchanges = view.exchanges.map(
    (e) => html`<tr><td>${new Date(e.at).toISOString().slice(11, 23)}</td><td>${e.destination}</td>
<td class="num">${e.attempt}</td><td><span class="${e.outcome}">${e.outcome}</span></td>
<td class="num">${Math.round(e.latencyMs)} ms</td><td>${e.status ?? ''} ${e.code ?? ''} <span class="muted">${e.reason ?? ''}</span></td></tr>`,
  );
  const letters = view.letters.map(
    (
      l,
    ) => html`<tr data-letter="${l.id}"><td class="num">${l.id}</td><td>${new Date(l.createdAt).toISOString().slice(0, 19).replace('T', ' ')}</td>
<td>${l.destination}</td><td>${l.reason}</td><td class="num">${l.attempts}</td><td>${l.lastError ?? ''}</td>
<td>${summary(l)}</td>
<td><form class="inline" method="post" action="/status/replay"><input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="id" value="${l.id}"><button type="submit">Replay</button></form></td></tr>`,
  );
  const destinations = Object.keys(health.destinations);
  const option = (value: string, selected: string | undefined) =>
    html`<option value="${value}"${value === (selected ?? '') ? html` selected` : ''}>${value || 'any'}</option>`;
  const body = html`<header><h1>offpath relay</h1><span class="pill ${health.state === 'unhealthy' ? 'open-circuit' : health.state}">${health.state}</span>
<span class="grow"></span><label class="muted"><input type="checkbox" id="auto-refresh"> auto-refresh</label>
${session ? html`<form class="inline" method="post" action="/status/logout"><input type="hidden" name="csrf" value="${csrf}"><button>Log out</button></form>` : ''}</header>
<main>${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
<section id="destinations"><h2>Destinations</h2><table><thead><tr><th>name</th><th>health</th><th>circuit</th><th>backlog</th><th>delivered</th><th>dead letters</th><th>last success</th><th>last failure</th></tr></thead>
<tbody>${rows}</tbody></table>
<p class="muted">accepted ${stats.accepted} · delivered ${stats.delivered} · pending ${stats.pending} · dropped ${stats.dropped} · dead-lettered ${stats.deadLettered}${stats.spool ? ` · spool ${stats.spool.bytes} bytes` : ''}</p></section>
<section id="exchanges"><h2>Recent exchanges</h2>${exchanges.length === 0 ? html`<p class="muted">none yet</p>` : html`<table><thead><tr><th>time (UTC)</th><th>destination</th><th>attempt</th><th>outcome</th><th>latency</th><th>detail</th></tr></thead><tbody>${exchanges}</tbody></table>`}</section>
<section id="dead-letters"><h2>Dead letters</h2>
<form method="get" action="/status#dead-letters">destination <select name="destination">${['', ...destinations].map((d) => option(d, view.filter.destination))}</select>
reason <select name="reason">${['', ...DEAD_LETTER_REASONS].map((r) => option(r, view.filter.reason))}</select> <button>Filter</button></form>
${
  letters.length === 0
    ? html`<p class="muted">no dead letters${instance.config.spool ? '' : ' (no spool configured: dead letters are only counted)'}</p>`
    : html`<table><thead><tr><th>id</th><th>stored (UTC)</th><th>destination</th><th>reason</th><th>attempts</th><th>last error</th><th>event</th><th></th></tr></thead><tbody>${letters}</tbody></table>
<form method="post" action="/status/replay"><input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="destination" value="${view.filter.destination ?? ''}"><input type="hidden" name="reason" value="${view.filter.reason ?? ''}">
<p><button type="submit">Replay all that match the filter</button></p></form>`
}</section>
${view.panels.map((p) => html`<section id="${p.id}"><h2>${p.title}</h2>${p.render()}</section>`)}
</main>`;
  return page('offpath relay status', body, { script: '/status/app.js' });
}

/** The login form. */
export function renderLoginPage(error?: string): string {
  return page(
    'offpath relay: log in',
    html`<main><h1>offpath relay</h1><div class="card"><form method="post" action="/status/login">
${error ? html`<p class="notice error" role="alert">${error}</p>` : ''}
<p><label for="token">Token</label><br><input id="token" name="token" type="password" autocomplete="current-password" size="40" required autofocus></p>
<p><button type="submit">Log in</button></p><p class="muted">A token from <code>server.tokens</code>, <code>OFFPATH_SERVE_TOKENS</code> or the generated token file.</p>
</form></div></main>`,
  );
}

/** The page's only script: optional auto-refresh, remembered per browser. */
export const STATUS_SCRIPT = `(() => {
  const box = document.getElementById('auto-refresh');
  if (!box) return;
  box.checked = localStorage.getItem('offpath.autoRefresh') === '1';
  box.addEventListener('change', () => localStorage.setItem('offpath.autoRefresh', box.checked ? '1' : '0'));
  setInterval(() => { if (box.checked) location.reload(); }, 5000);
})();
`;

function summary(letter: DeadLetter): string {
  const r = letter.record;
  if (!r) return '(unreadable record)';
  const text = [r.level, r.title, r.message].filter((x) => x !== undefined && x !== '').join(' · ');
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

function ago(at: number | undefined, now: number): string {
  if (at === undefined) return '-';
  const s = Math.max(0, Math.round((now - at) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}
