/**
 * pino and winston logs into offpath. pino's transport runs in pino's worker thread and hands each
 * log to the main thread over a BroadcastChannel, where `pinoSource` emits it; winston's transport
 * emits synchronously. In an installed app the targets are 'offpath/pino-transport' and
 * 'offpath/winston'.
 * Run: npm run build && npx tsx examples/sources/loggers.ts
 */
import pino from 'pino';
import winston from 'winston';
import { createOffpath, pinoSource } from '../../src/index.js';
import { OffpathWinstonTransport } from '../../src/sources/loggers/winston-transport.js';

const offpath = createOffpath({
  destinations: [{ name: 'console', type: 'console', style: 'expanded', minLevel: 'warn' }],
});

// pino: the worker loads plain JavaScript, so the target is the built transport.
offpath.attach(pinoSource({ channel: 'offpath' }));
const transport = pino.transport({
  target: new URL('../../dist/sources/loggers/pino-transport.js', import.meta.url).href,
  options: { channel: 'offpath' },
});
const log = pino({ level: 'info' }, transport);
log.error({ orderId: 42, err: new Error('card declined') }, 'payment failed');

// winston: only warn and above reach offpath.
const logger = winston.createLogger({
  format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.timestamp()),
  transports: [new OffpathWinstonTransport({ offpath, level: 'warn' })],
});
logger.warn('disk almost full', { freeMb: 120 });

await new Promise((resolve) => setTimeout(resolve, 2_000)); // let pino's worker start and post the log
const closed = new Promise((resolve) => transport.once('close', resolve));
transport.end();
await closed;
console.log(await offpath.close());
