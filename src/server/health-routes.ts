/**
 * `GET /healthz` (liveness: 200 while the process answers, whatever the destinations do, so an outage
 * never restarts every replica) and `GET /readyz` (200 when every readiness check passes, else 503 with
 * the reasons as JSON). Adds the instance's own checks: the spool is writable and at least one
 * destination can deliver.
 * @module
 */
import type { Offpath } from '../instance/create-offpath.js';
import { jsonReply } from './reply.js';
import type { ServiceServer } from './service-server.js';

/** States in which a destination cannot deliver at all. */
const UNDELIVERABLE = new Set(['disabled', 'open-circuit']);

/** Adds the health routes and the instance's readiness checks. */
export function mountHealthRoutes(server: ServiceServer, instance: Offpath): void {
  server.readiness.add('draining', () =>
    server.draining ? { ready: false, reason: 'shutting down' } : { ready: true },
  );
  server.readiness.add('spool', () => {
    if (!instance.config.spool) return { ready: true };
    return instance.stats().spool
      ? { ready: true }
      : {
          ready: false,
          reason: `the spool at ${instance.config.spool.path} could not be opened for writing`,
        };
  });
  server.readiness.add('destinations', () => {
    const all = Object.entries(instance.health().destinations);
    if (all.some(([, h]) => !UNDELIVERABLE.has(h.state))) return { ready: true };
    const states = all.map(([name, h]) => `${name}: ${h.state}`).join(', ');
    return {
      ready: false,
      reason: all.length === 0 ? 'no destination is configured' : `no destination can deliver (${states})`,
    };
  });

  server.routes.add({
    method: 'GET',
    path: '/healthz',
    access: 'public',
    handler: () => jsonReply(200, { status: 'ok' }),
  });
  server.routes.add({
    method: 'GET',
    path: '/readyz',
    access: 'public',
    handler: () => {
      const { ready, reasons, details } = server.readiness.evaluate();
      // `details` only when a check gave one, so the usual body stays `{ready, reasons}`.
      const extra = Object.keys(details).length > 0 ? { details } : {};
      return jsonReply(ready ? 200 : 503, { ready, reasons, ...extra });
    },
  });
}
