/**
 * The main-thread side of the pino transport's channel mode: listens on the BroadcastChannel and
 * emits events. The channel is unref'd, so it never keeps the process alive.
 * @module
 */
import { BroadcastChannel } from 'node:worker_threads';
import type { Source } from '../../core/source.js';
import { tellFailure } from '../guard-subscriber.js';
import { pinoToEvent } from './log-event.js';
import { announcePresence } from './pino-presence.js';

/** Options of {@link pinoSource}. */
export interface PinoSourceOptions {
  /** @default 'offpath' */
  readonly channel?: string;
  readonly onError?: (error: unknown) => void;
}

/**
 * @example
 * offpath.attach(pinoSource());
 */
export function pinoSource(options: PinoSourceOptions = {}): Source {
  return {
    name: 'pino',
    attach(emit, report) {
      const fail = tellFailure([options.onError, report]);
      const name = options.channel ?? 'offpath';
      const channel = new BroadcastChannel(name);
      channel.unref();
      // Tells the transport someone listens, so it does not warn that its records are lost.
      const leave = announcePresence(name);
      channel.onmessage = (message: unknown) => {
        try {
          const data = (message as { data?: unknown }).data;
          if (typeof data === 'object' && data !== null) emit(pinoToEvent(data as Record<string, unknown>));
        } catch (error) {
          fail(error);
        }
      };
      return () => {
        leave();
        channel.close();
      };
    },
  };
}
