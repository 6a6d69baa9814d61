/**
 * The gateway inside `offpath serve`: the config's `proxies` served on the relay's own port beside
 * its API, with their counters on `/metrics`, their breakers on the status page, and the same rule
 * as everywhere: a public address needs every proxy to check client tokens.
 * @module
 */
import type { ValidConfig } from '../config/config-schema.js';
import { createGateway, type Gateway } from '../gateway/create-gateway.js';
import { registerGatewayMetrics } from '../gateway/gateway-metrics.js';
import type { ProxyOptions } from '../gateway/proxy-options.js';
import type { Offpath } from '../instance/create-offpath.js';
import type { Clock } from '../resilience/clock.js';
import { ConfigError } from '../resilience/errors.js';
import type { MetricsRegistry } from '../server/metrics-registry.js';
import { isLoopback, type ServiceServer } from '../server/service-server.js';
import { gatewayStatusPanel } from './gateway-status-panel.js';
import type { StatusPanels } from './status-page.js';

/** What the relay hands over. */
export interface MountGatewayOptions {
  readonly config: ValidConfig;
  readonly host: string;
  readonly instance: Offpath;
  readonly server: ServiceServer;
  readonly metrics: MetricsRegistry;
  readonly panels: StatusPanels;
  readonly clock: Clock;
}

/**
 * Mounts the config's proxies; undefined when it has none.
 * @throws ConfigError for a public host with a proxy that has no `auth`, or a bad proxy.
 */
export function mountGateway(o: MountGatewayOptions): Gateway | undefined {
  const proxies = (o.config.proxies ?? []) as ProxyOptions[];
  if (proxies.length === 0) return undefined;
  if (!isLoopback(o.host)) {
    const open = proxies.map((p, i) => [p, i] as const).filter(([p]) => p.auth === undefined);
    if (open.length > 0) {
      throw ConfigError.fromIssues(
        `refusing to serve proxies on ${o.host} without client tokens`,
        open.map(([, i]) => ({
          path: `proxies[${i}].auth`,
          message: 'is required on a non-loopback address',
          hint: 'add auth: [tokens], or listen on 127.0.0.1',
        })),
      );
    }
  }
  const gateway = createGateway({ proxies, clock: o.clock }, o.instance);
  o.server.mount({
    name: 'gateway',
    matches: (url) => gateway.matches(url),
    handle: (req, res) => gateway.handle(req, res),
  });
  registerGatewayMetrics(o.metrics.registry, gateway);
  o.panels.add(gatewayStatusPanel(gateway));
  return gateway;
}
