/**
 * The gateway's section of the relay's status page: each proxy with its breaker state, exchanges in
 * flight, responses by class, stalled streams, 429s and retries.
 * @module
 */

import type { Gateway } from '../gateway/create-gateway.js';
import { html } from '../server/html.js';
import type { StatusPanel } from './status-page.js';

/** A status panel for `gateway`. */
export function gatewayStatusPanel(gateway: Gateway): StatusPanel {
  return {
    id: 'gateway',
    title: 'Gateway',
    render() {
      const rows = Object.values(gateway.stats().proxies).map(
        (p) => html`<tr data-proxy="${p.name}">
<td>${p.name}</td><td><code>${p.path}</code> → <code>${p.target}</code></td>
<td><span class="pill ${p.breaker}">${p.breaker}</span></td>
<td class="num">${p.inFlight}</td><td class="num">${p.requests}</td>
<td class="num">${p.responses['5xx'] ?? 0}</td><td class="num">${p.outcomes['stream-inactivity']}</td>
<td class="num">${p.rateLimited}</td><td class="num">${p.retries}</td></tr>`,
      );
      return html`<table><thead><tr><th>proxy</th><th>route</th><th>breaker</th><th>in flight</th>
<th>requests</th><th>5xx</th><th>stalled streams</th><th>429</th><th>retries</th></tr></thead>
<tbody>${rows}</tbody></table>`;
    },
  };
}
