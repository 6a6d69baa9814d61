/**
 * `offpath/gateway`: the tracing reverse proxy (`offpath proxy`) as a library, standalone on its own
 * server or mounted in yours, reporting through an offpath instance. Every public name of the entry
 * point is listed here.
 * @example
 * import { createOffpath } from 'offpath';
 * import { startGateway } from 'offpath/gateway';
 *
 * const offpath = createOffpath(config);
 * const running = await startGateway({ port: 8080, proxies: [{ path: '/api', target: 'http://127.0.0.1:3000' }] }, offpath);
 * @module
 */
export type { Gateway, GatewayOptions, GatewayStats } from './create-gateway.js';
export { createGateway } from './create-gateway.js';
export type { ExchangeOutcome, ProxyStats } from './proxy-counters.js';
export type {
  BreakerSetting,
  GatewayCaptureOptions,
  ProxyAuthOptions,
  ProxyOptions,
  RetrySetting,
} from './proxy-options.js';
export type { RunningGateway, StartGatewayOptions } from './start-gateway.js';
export { startGateway } from './start-gateway.js';
