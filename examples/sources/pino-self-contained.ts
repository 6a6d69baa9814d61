/**
 * pino without an offpath instance on the main thread: the transport's options are an offpath config,
 * and pino's worker thread delivers to those destinations itself. Here the destination is a local
 * collector emulator, so the example runs anywhere. In an installed app the target is
 * 'offpath/pino-transport'.
 * Run: npm run build && npx tsx examples/sources/pino-self-contained.ts
 */
import pino from 'pino';
import { startCollectorEmulator } from '../../src/testing/index.js';

const collector = await startCollectorEmulator();

// The worker loads plain JavaScript, so the target is the built transport.
const transport = pino.transport({
  target: new URL('../../dist/sources/loggers/pino-transport.js', import.meta.url).href,
  options: {
    service: 'checkout',
    destinations: [{ name: 'logs', type: 'http', url: collector.url, minLevel: 'warn' }],
    closeTimeoutMs: 3_000,
  },
});
const log = pino({ level: 'info' }, transport);
log.info('cart opened'); // below the destination's minLevel: not sent
log.error({ orderId: 42, err: new Error('card declined') }, 'payment failed');

// Ending the transport (pino also does it when the process exits) closes the worker's instance,
// which delivers what it still holds within closeTimeoutMs.
const closed = new Promise((resolve) => transport.once('close', resolve));
transport.end();
await closed;
console.log(collector.items().map((item) => (item as { message: string }).message)); // [ 'payment failed' ]
await collector.close();
