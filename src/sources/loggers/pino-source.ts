/**
 * The main-thread side of the pino transport: listens on the BroadcastChannel and emits events.
 * The channel is unref'd, so it never keeps the process alive.
 * @module
 */
import { BroadcastChannel } from 'node:worker_threads';
import type { Source } from '../../core/source.js';
import { tellFailure } from '../guard-subscriber.js';
import { pinoToEvent } from './log-event.js';

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
      const channel = new BroadcastChannel(options.channel ?? 'offpath');
      channel.unref();
      channel.onmessage = (message: unknown) => {
        try {
          const data = (message as { data?: unknown }).data;
          if (typeof data === 'object' && data !== null) emit(pinoToEvent(data as Record<string, unknown>));
        } catch (error) {
          fail(error);
        }
      };
      return () => channel.close();
    },
  };
}
