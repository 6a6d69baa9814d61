/**
 * `startRelay`: one offpath instance behind the service server. Wires the ingest API, health and
 * readiness, metrics, the status page and live reload; everything else is the library's own pipeline.
 * @module
 */
import { resolve } from 'node:path';
import type { ValidConfig } from '../config/config-schema.js';
import type { ServerConfig } from '../config/server-schema.js';
import { validateConfig } from '../config/validate-config.js';
import {
  createOffpath,
  type FlushResult,
  type Offpath,
  type OffpathDependencies,
} from '../instance/create-offpath.js';
import { type Clock, systemClock } from '../resilience/clock.js';
import { mountHealthRoutes } from '../server/health-routes.js';
import { registerInstanceMetrics } from '../server/instance-metrics.js';
import { MetricsRegistry } from '../server/metrics-registry.js';
import { jsonReply } from '../server/reply.js';
import { isLoopback, ServiceServer } from '../server/service-server.js';
import { ensureTokenFile } from '../server/token-file.js';
import { TokenSet } from '../server/token-set.js';
import { EventAdmission } from './admit-events.js';
import { ConfigReloader, type ReloadOutcome } from './config-reloader.js';
import { mountIngestRoutes } from './ingest-routes.js';
import { mountGateway } from './mount-gateway.js';
import { RecentExchanges } from './recent-exchanges.js';
import { SERVE_DEFAULTS } from './serve-defaults.js';
import { openSharedQueue } from './shared-queue.js';
import { StatusPanels } from './status-page.js';
import { mountStatusRoutes } from './status-routes.js';

/** Options of {@link startRelay}. */
export interface RelayOptions {
  /** The configuration (its `server` section included). */
  readonly config: ValidConfig;
  /** Re-reads the configuration for a reload; throws a ConfigError when it is invalid. @default none (reload refused) */
  readonly loadConfig?: () => ValidConfig;
  /** Overrides `server.host`. */
  readonly host?: string;
  /** Overrides `server.port`. */
  readonly port?: number;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the relay writes its log lines (startup, reloads, shutdown). Never receives a token. @default ignore */
  readonly log?: (line: string) => void;
  readonly clock?: Clock;
  /** Passed to the instance. */
  readonly onError?: OffpathDependencies['onError'];
}

/** A running relay. */
export interface Relay {
  /** Base URL, such as `http://127.0.0.1:8787`. */
  readonly url: string;
  readonly instance: Offpath;
  /** Add routes, readiness checks and response observers here. */
  readonly server: ServiceServer;
  /** Register more metrics on `metrics.registry`. */
  readonly metrics: MetricsRegistry;
  /** Add sections to the status page here. */
  readonly status: StatusPanels;
  /** The generated token file, when no token was configured. */
  readonly tokenFile: string | undefined;
  /** Re-reads the config file and applies it (see {@link ConfigReloader}); `trigger` names the cause in the log. */
  reload(trigger?: string): Promise<ReloadOutcome>;
  /** Stops taking requests (503), lets in-flight ones finish, flushes up to `closeTimeoutMs`, spools the rest. */
  shutdown(): Promise<FlushResult>;
}

/**
 * Starts a relay.
 * @throws ConfigError when the config is invalid (as `offpath check` reports it), or when bound to a
 *   non-loopback address without tokens.
 * @example
 * const relay = await startRelay({ config: loadConfigFile('offpath.config.yaml') });
 * process.once('SIGTERM', () => void relay.shutdown());
 */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const clock = options.clock ?? systemClock;
  // The schema's checks (the shared queue's need of coordination.redis among them) run here, once,
  // with the same messages as `offpath check`; what follows relies on what they guarantee.
  const config = validateConfig(options.config);
  const s = { ...SERVE_DEFAULTS, ...config.server };
  const host = options.host ?? s.host;
  const port = options.port ?? s.port;

  let tokenFile: string | undefined;
  const tokensOf = (config: ValidConfig): TokenSet => {
    const tokens = [...(config.server?.tokens ?? []), ...splitTokens(env['OFFPATH_SERVE_TOKENS'])];
    if (tokens.length === 0 && isLoopback(host)) {
      const file = ensureTokenFile(config.server?.dataDir ?? SERVE_DEFAULTS.dataDir);
      tokenFile = file.path;
      tokens.push(file.token);
    }
    return new TokenSet(tokens);
  };
  let tokens = tokensOf(config);
  const server = new ServiceServer({
    host,
    port,
    tokens,
    maxBodyBytes: s.maxBodyBytes,
    headersTimeoutMs: s.headersTimeoutMs,
    requestTimeoutMs: s.requestTimeoutMs,
    keepAliveTimeoutMs: s.keepAliveTimeoutMs,
    maxConnections: s.maxConnections,
    clock,
    onError: (error, context) => log(`error in ${context.phase}: ${describe(error)}`),
  });

  const shared = openSharedQueue(config);
  // The relay owns the signals; an instance hook would close the pipeline under in-flight requests.
  const instance = createOffpath(
    { ...config, handleSignals: false },
    {
      clock,
      ...(options.onError ? { onError: options.onError } : {}),
      ...(shared ? { tap: shared.tracker } : {}),
    },
  );
  const metrics = new MetricsRegistry();
  metrics.mount(server, 'public');
  const stopMetrics = registerInstanceMetrics(metrics.registry, instance);
  const panels = new StatusPanels();
  const local = new EventAdmission(instance, { maxPending: s.maxPending });
  const admission =
    shared?.attach({
      instance,
      local,
      registry: metrics.registry,
      panels,
      readiness: server.readiness,
      maxPending: s.maxPending,
      log,
    }) ?? local;
  mountIngestRoutes(server, admission, metrics.registry);
  mountHealthRoutes(server, instance);
  const reloader = new ConfigReloader({
    instance,
    load: options.loadConfig,
    applyServer: (config) => {
      tokens = tokensOf(config);
      server.setTokens(tokens);
    },
    serverRestartOnly: (current, next) => [
      ...serverRestartOnly(current.server ?? {}, next.server ?? {}),
      ...(JSON.stringify(current.proxies ?? []) === JSON.stringify(next.proxies ?? []) ? [] : ['proxies']),
    ],
    registry: metrics.registry,
    readiness: server.readiness,
    log,
  });
  server.routes.add({
    method: 'POST',
    path: '/v1/reload',
    access: 'token',
    handler: async () => {
      const outcome = await reloader.reload('POST /v1/reload');
      return jsonReply(outcome.ok ? 200 : 422, outcome);
    },
  });

  const exchanges = new RecentExchanges(instance, () => clock.now());
  let gateway: ReturnType<typeof mountGateway>;
  let url: string;
  try {
    gateway = mountGateway({ config, host, instance, server, metrics, panels, clock });
    if (s.status) mountStatusRoutes({ server, instance, exchanges, panels, tokens: () => tokens, clock });
    url = await server.listen();
  } catch (error) {
    // Open Redis connections would keep a process that failed to start alive.
    await shared?.close();
    throw error;
  }
  log(`offpath relay listening on ${url} (${instance.config.destinations.length} destination(s))`);
  if (tokenFile) log(`no token configured: clients authenticate with the token in ${resolve(tokenFile)}`);

  let shuttingDown: Promise<FlushResult> | undefined;
  return {
    url,
    instance,
    server,
    metrics,
    tokenFile,
    status: panels,
    reload: (trigger = 'API') => reloader.reload(trigger),
    shutdown: () => {
      shuttingDown ??= (async () => {
        log('shutting down: refusing new requests, flushing');
        const closeTimeoutMs = instance.config.closeTimeoutMs ?? 5_000;
        await server.drain(Math.min(closeTimeoutMs, s.requestTimeoutMs));
        // Streams the drain deadline cut are ended here; the proxies' upstream pools close.
        await gateway?.close({ timeoutMs: 0 });
        // What the shared queue holds still settles (and is acknowledged) while the instance closes;
        // what the deadline cuts off stays pending on the stream for the other replicas.
        await shared?.stopReading();
        const result = await instance.close({ timeoutMs: closeTimeoutMs });
        await shared?.close();
        stopMetrics();
        exchanges.close();
        await server.close();
        log(
          `stopped: ${result.complete ? 'everything delivered' : `${result.cutOff} deliveries spooled or cut off at the deadline`}`,
        );
        return result;
      })();
      return shuttingDown;
    },
  };
}

/** `server` settings a running relay cannot change (all but `tokens`). */
function serverRestartOnly(current: ServerConfig, next: ServerConfig): string[] {
  const keys = new Set([...Object.keys(current), ...Object.keys(next)]);
  const out: string[] = [];
  for (const key of keys) {
    if (key === 'tokens') continue;
    const a = (current as Record<string, unknown>)[key];
    const b = (next as Record<string, unknown>)[key];
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`server.${key} changed`);
  }
  return out;
}

function splitTokens(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
