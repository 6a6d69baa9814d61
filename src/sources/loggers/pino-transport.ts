/**
 * The pino transport: it runs in pino's worker thread and forwards each log object over a
 * BroadcastChannel to the offpath instance of the main thread (see `pinoSource`), so logging never
 * waits on offpath and offpath keeps one ledger for the whole process.
 * @example
 * const logger = pino(pino.transport({ target: 'offpath/pino-transport', options: { channel: 'offpath' } }));
 * offpath.attach(pinoSource({ channel: 'offpath' }));
 * @module
 */
import { BroadcastChannel } from 'node:worker_threads';
import build from 'pino-abstract-transport';

/** Options of the transport. */
export interface PinoTransportOptions {
  /** BroadcastChannel name shared with `pinoSource`. @default 'offpath' */
  readonly channel?: string;
}

export default function offpathPinoTransport(options: PinoTransportOptions = {}) {
  const channel = new BroadcastChannel(options.channel ?? 'offpath');
  return build(
    async (source: AsyncIterable<Record<string, unknown>>) => {
      for await (const log of source) channel.postMessage(log);
    },
    { close: async () => channel.close() },
  );
}
