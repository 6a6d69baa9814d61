/**
 * The Prometheus registry of a service (prom-client). Features register their own collectors on
 * {@link MetricsRegistry.registry}; `/metrics` serves all of them in the text format, with the
 * process metrics (CPU, memory, event loop, handles) under the `offpath_` prefix.
 * @module
 */
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { jsonReply, type Reply } from './reply.js';
import type { ServiceServer } from './service-server.js';

/** One registry per service. */
export class MetricsRegistry {
  /** Register metrics here (`new Counter({ ..., registers: [metrics.registry] })`). */
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'offpath_' });
  }

  /** Counts every answer of `server` by route, method and status, and serves `GET /metrics`. */
  mount(server: ServiceServer, access: 'public' | 'token'): void {
    const requests = new Counter({
      name: 'offpath_http_requests_total',
      help: 'HTTP requests answered, by route, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers: [this.registry],
    });
    server.onResponse((o) => requests.inc({ route: o.route, method: o.method, status: String(o.status) }));
    server.routes.add({
      method: 'GET',
      path: '/metrics',
      access,
      handler: async (): Promise<Reply> => {
        try {
          const body = await this.registry.metrics();
          return { status: 200, headers: { 'content-type': this.registry.contentType }, body };
        } catch (error) {
          return jsonReply(500, {
            error: `metrics failed: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
      },
    });
  }
}
