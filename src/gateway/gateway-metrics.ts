/**
 * Prometheus metrics of a mounted gateway, read from `gateway.stats()` at scrape time (the proxies'
 * own counters, so nothing is counted twice). Labels: the proxy's name, a status class, an outcome
 * or a breaker state; never URLs, ids or tokens.
 * @module
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Gateway, GatewayStats } from './create-gateway.js';
import type { ProxyStats } from './proxy-counters.js';

const BREAKER_STATES = ['closed', 'open', 'half-open'] as const;

/** Registers the gateway's metrics on `registry`. */
export function registerGatewayMetrics(registry: Registry, gateway: Gateway): void {
  const registers = [registry];
  let cached: { at: number; stats: GatewayStats } | undefined;
  const proxies = (): Array<[string, ProxyStats]> => {
    const now = performance.now();
    if (!cached || now - cached.at > 100) cached = { at: now, stats: gateway.stats() };
    return Object.entries(cached.stats.proxies);
  };
  const counter = (name: string, help: string, read: (p: ProxyStats) => number): void => {
    new Counter({
      name,
      help,
      labelNames: ['proxy'] as const,
      registers,
      collect() {
        this.reset();
        for (const [proxy, p] of proxies()) this.inc({ proxy }, read(p));
      },
    });
  };
  new Counter({
    name: 'offpath_gateway_responses_total',
    help: 'Responses the gateway sent to clients, by proxy and status class (its own 401/413/502/503/504 included).',
    labelNames: ['proxy', 'status_class'] as const,
    registers,
    collect() {
      this.reset();
      for (const [proxy, p] of proxies())
        for (const [status_class, n] of Object.entries(p.responses)) this.inc({ proxy, status_class }, n);
    },
  });
  new Counter({
    name: 'offpath_gateway_exchanges_total',
    help: 'Exchanges by how they ended: completed, upstream-error, timeout, stream-inactivity, client-aborted, breaker-open, unauthorized, too-large.',
    labelNames: ['proxy', 'outcome'] as const,
    registers,
    collect() {
      this.reset();
      for (const [proxy, p] of proxies())
        for (const [outcome, n] of Object.entries(p.outcomes)) this.inc({ proxy, outcome }, n);
    },
  });
  counter(
    'offpath_gateway_stream_inactivity_total',
    'Streamed responses ended because the upstream sent nothing for the inactivity timeout.',
    (p) => p.outcomes['stream-inactivity'],
  );
  counter(
    'offpath_gateway_retries_total',
    'Upstream attempts repeated after a transient failure.',
    (p) => p.retries,
  );
  counter(
    'offpath_gateway_rate_limited_total',
    'Upstream 429 answers passed to clients.',
    (p) => p.rateLimited,
  );
  counter(
    'offpath_gateway_request_bytes_total',
    'Request body bytes received from clients.',
    (p) => p.bytesIn,
  );
  counter('offpath_gateway_response_bytes_total', 'Response body bytes sent to clients.', (p) => p.bytesOut);
  counter(
    'offpath_gateway_traces_total',
    'Exchanges handed to the instance as http events.',
    (p) => p.traced,
  );
  new Gauge({
    name: 'offpath_gateway_in_flight',
    help: 'Exchanges being served.',
    labelNames: ['proxy'] as const,
    registers,
    collect() {
      this.reset();
      for (const [proxy, p] of proxies()) this.set({ proxy }, p.inFlight);
    },
  });
  new Gauge({
    name: 'offpath_gateway_breaker_state',
    help: "The upstream's circuit breaker: 1 for the current state (closed, open, half-open), 0 for the others.",
    labelNames: ['proxy', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const [proxy, p] of proxies())
        for (const state of BREAKER_STATES) this.set({ proxy, state }, p.breaker === state ? 1 : 0);
    },
  });
}
