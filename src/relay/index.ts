/**
 * `offpath/relay`: the relay service (`offpath serve`) as a library, for embedding it in your own
 * process or adding routes, readiness checks, metrics and status panels to it. Every public name of
 * the entry point is listed here.
 * @module
 */
export type { ServerConfig } from '../config/server-schema.js';
export type { SafeHtml } from '../server/html.js';
export { escapeHtml, html } from '../server/html.js';
export type { MetricsRegistry } from '../server/metrics-registry.js';
export type { CheckResult, Readiness, ReadinessReport } from '../server/readiness.js';
export type { Reply } from '../server/reply.js';
export { htmlReply, jsonReply, problem } from '../server/reply.js';
export type { Access, Route, RouteHandler, RouteRequest, RouteTable } from '../server/route-table.js';
export type { ResponseObservation, ServiceServer } from '../server/service-server.js';
export type { ReloadOutcome } from './config-reloader.js';
export { embeddedConfig, SERVE_DEFAULTS } from './serve-defaults.js';
export type { Relay, RelayOptions } from './start-relay.js';
export { startRelay } from './start-relay.js';
export type { StatusPanel, StatusPanels } from './status-page.js';
