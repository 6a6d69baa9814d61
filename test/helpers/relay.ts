/**
 * Starts a relay for a test: a collector emulator as its destination (unless the test gives its own
 * destinations), a temporary data dir, a known token, short timeouts. Everything is closed after the test.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OffpathConfig } from '../../src/config/config-schema.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { type Relay, type RelayOptions, startRelay } from '../../src/relay/start-relay.js';
import { type CollectorEmulator, startCollectorEmulator } from '../../src/testing/index.js';
import { onCleanup, track } from './cleanups.js';

/** The token test relays accept. */
export const TOKEN = 'test-token-0123456789abcdef';

/** A started relay, its collector and helpers. */
export interface TestRelay {
  readonly relay: Relay;
  readonly collector: CollectorEmulator;
  readonly dataDir: string;
  /** POSTs to the relay with the token. */
  post(path: string, body: string | Uint8Array, headers?: Record<string, string>): Promise<Response>;
}

/** Starts a relay; `config` is merged over a collector destination with fast batching. */
export async function startTestRelay(
  configOf: Partial<OffpathConfig> | ((dataDir: string) => Partial<OffpathConfig>) = {},
  options: Partial<RelayOptions> = {},
): Promise<TestRelay> {
  const collector = await track(startCollectorEmulator());
  const dataDir = mkdtempSync(join(tmpdir(), 'offpath-relay-'));
  const config = typeof configOf === 'function' ? configOf(dataDir) : configOf;
  const full = validateConfig({
    destinations: [
      {
        name: 'collector',
        type: 'http',
        url: `${collector.url}/ingest`,
        batch: { maxSize: 100, maxDelayMs: 5 },
        retry: { initialDelayMs: 5, maxDelayMs: 50 },
      },
    ],
    ...config,
    server: { port: 0, tokens: [TOKEN], dataDir, ...config.server },
  });
  const relay = await startRelay({ config: full, ...options });
  onCleanup(() => relay.shutdown());
  return {
    relay,
    collector,
    dataDir,
    post: (path, body, headers = {}) =>
      fetch(`${relay.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
        body,
      }),
  };
}

/** Waits until `check` is true (polling), or fails after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A durable spool in the relay's data dir. */
export const durableSpool = (dataDir: string): Partial<OffpathConfig> => ({
  spool: { path: join(dataDir, 'spool.db'), durable: true },
});
