/**
 * Defaults of `offpath serve`: the server settings, and the embedded config used when no config file
 * is given (a console destination and a durable spool in the data directory), so the relay starts
 * on a fresh machine.
 * @module
 */
import { join } from 'node:path';
import type { OffpathConfig } from '../config/config-schema.js';

/** Every default of the `server` section. */
export const SERVE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  maxBodyBytes: 1_048_576,
  status: true,
  dataDir: '.offpath',
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_024,
  maxPending: 50_000,
} as const;

/** The config `offpath serve` runs without a config file. */
export function embeddedConfig(dataDir: string): OffpathConfig {
  return {
    service: 'offpath-relay',
    destinations: [{ name: 'console', type: 'console' }],
    spool: { path: join(dataDir, 'spool.db'), durable: true },
  };
}
