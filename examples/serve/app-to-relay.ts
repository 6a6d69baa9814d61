/**
 * A relay and a Node app that uses it as its single destination, in one script: the relay delivers to
 * a local collector emulator; the app posts with `format: 'offpath'`.
 * Run: npx tsx examples/serve/app-to-relay.ts
 */
import { createOffpath, validateConfig } from '../../src/index.js';
import { startRelay } from '../../src/relay/index.js';
import { startCollectorEmulator } from '../../src/testing/index.js';

const token = 'example-token-0123456789';
const collector = await startCollectorEmulator();
const relay = await startRelay({
  config: validateConfig({
    destinations: [
      { name: 'warehouse', type: 'http', url: `${collector.url}/ingest`, batch: { maxDelayMs: 50 } },
    ],
    server: { port: 0, tokens: [token] },
  }),
  log: (line) => console.error(`[relay] ${line}`),
});

const app = createOffpath({
  service: 'checkout-api',
  destinations: [
    {
      name: 'relay',
      type: 'http',
      url: `${relay.url}/v1/events`,
      format: 'offpath',
      headers: { authorization: `Bearer ${token}` },
    },
  ],
});
app.emit({ level: 'error', title: 'Charge failed', fields: { orderId: 42 } });
await app.close();
await relay.instance.flush();
console.log('collector received:', JSON.stringify(collector.items()));
await relay.shutdown();
await collector.close();
