/**
 * The pino transport (`offpath/pino-transport`). pino runs it in a worker thread, so logging never
 * waits on offpath. Two modes, chosen by its options:
 * - channel mode (the default): each log object goes over a BroadcastChannel to the offpath instance
 *   of the main thread (see `pinoSource`), so one ledger covers the whole process. When no
 *   `pinoSource` answers after the first record, one warning line goes to stderr: the records are
 *   lost.
 * - self-contained mode, when the options hold `destinations`: the options are an offpath config;
 *   the worker creates its own instance and delivers from there, for apps that want no instance on
 *   the main thread. When pino closes the transport (the logger ends, the process exits), the
 *   instance is closed: what it holds is delivered within `closeTimeoutMs`.
 * @example
 * // channel mode
 * const logger = pino(pino.transport({ target: 'offpath/pino-transport', options: { channel: 'offpath' } }));
 * offpath.attach(pinoSource({ channel: 'offpath' }));
 * // self-contained mode
 * const logger = pino(pino.transport({
 *   target: 'offpath/pino-transport',
 *   options: { destinations: [{ name: 'ops', type: 'http', url: 'https://logs.example.com/ingest' }] },
 * }));
 * @module
 */
import { BroadcastChannel } from 'node:worker_threads';
import build from 'pino-abstract-transport';
import type { OffpathConfig } from '../../config/config-schema.js';
import { ConfigError } from '../../resilience/errors.js';
import { pinoToEvent } from './log-event.js';
import { watchForListener } from './pino-presence.js';

/** Options of the channel mode. */
export interface PinoChannelOptions {
  /** BroadcastChannel name shared with `pinoSource`. @default 'offpath' */
  readonly channel?: string;
  /**
   * How long after its first record the transport waits for a `pinoSource` to answer before it
   * warns, once, on stderr. @default 2_000
   */
  readonly listenerCheckMs?: number;
}

/**
 * Options of the transport: channel mode, or an offpath config (with `destinations`) for the
 * self-contained mode. Pass only what pino can copy to its worker (plain data: no functions).
 */
export type PinoTransportOptions = PinoChannelOptions | OffpathConfig;

/** pino calls this in its worker. @throws ConfigError when self-contained options are invalid */
export default async function offpathPinoTransport(options: PinoTransportOptions = {}) {
  return 'destinations' in options ? selfContained(withoutPinoKeys(options)) : channelMode(options);
}

/** pino adds its own keys to a transport's options (`$context`, `pinoWillSendConfig`): not offpath's. */
function withoutPinoKeys(options: OffpathConfig): OffpathConfig {
  const {
    $context: _context,
    pinoWillSendConfig: _config,
    ...config
  } = options as OffpathConfig & Record<'$context' | 'pinoWillSendConfig', unknown>;
  return config;
}

async function selfContained(config: OffpathConfig) {
  if ('channel' in config) {
    throw ConfigError.fromIssues('invalid pino transport options', [
      {
        path: 'channel',
        message: 'a transport with destinations delivers them itself',
        hint: 'remove `channel`, or remove `destinations` and attach pinoSource() on the main thread',
      },
    ]);
  }
  // Loaded only here: channel mode stays as light as a BroadcastChannel.
  const { createOffpath } = await import('../../instance/create-offpath.js');
  // Signals reach the main thread, not this worker, and one re-raised from here would stop the whole
  // app: pino closes the transport on exit instead, which closes the instance.
  const offpath = createOffpath({ ...config, handleSignals: false });
  return build(
    async (source: AsyncIterable<Record<string, unknown>>) => {
      for await (const log of source) offpath.emit(pinoToEvent(log));
    },
    {
      close: async () => {
        await offpath.close();
      },
    },
  );
}

function channelMode(options: PinoChannelOptions) {
  const name = options.channel ?? 'offpath';
  const channel = new BroadcastChannel(name);
  // No instance lives here to report to, and the main thread's (if any) is not listening: one line
  // on stderr, the way zero-code mode warns.
  const watch = watchForListener(name, options.listenerCheckMs ?? 2_000, () => {
    process.stderr.write(
      `offpath: pino transport: no pinoSource listens on channel "${name}" on the main thread, so its log records are lost; attach pinoSource({ channel: "${name}" }) to an instance, or give the transport destinations to deliver from its worker\n`,
    );
  });
  return build(
    async (source: AsyncIterable<Record<string, unknown>>) => {
      for await (const log of source) {
        channel.postMessage(log);
        watch.sent();
      }
    },
    {
      close: async () => {
        watch.close();
        channel.close();
      },
    },
  );
}
