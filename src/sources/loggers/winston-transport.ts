/**
 * A winston transport that hands each log to offpath: synchronous, never throws, never waits.
 * @example
 * import winston from 'winston';
 * import { OffpathWinstonTransport } from 'offpath/winston';
 * const logger = winston.createLogger({ transports: [new OffpathWinstonTransport({ offpath, level: 'warn' })] });
 * @module
 */
import TransportStream from 'winston-transport';
import { withRequestFields } from '../../core/request-context.js';
import type { EmitFn } from '../../core/source.js';
import { winstonToEvent } from './log-event.js';

/** Options of {@link OffpathWinstonTransport}. */
export interface OffpathWinstonTransportOptions extends TransportStream.TransportStreamOptions {
  /** An offpath instance, or any emit function. */
  readonly offpath: { emit: EmitFn } | EmitFn;
}

export class OffpathWinstonTransport extends TransportStream {
  readonly #emit: EmitFn;

  constructor(options: OffpathWinstonTransportOptions) {
    super(options);
    const target = options.offpath;
    this.#emit = typeof target === 'function' ? target : (event) => target.emit(event);
  }

  override log(info: Record<string, unknown>, callback: () => void): void {
    try {
      const event = winstonToEvent(info);
      // winston calls transports synchronously, inside the request that logged.
      const fields = withRequestFields(event.fields);
      this.#emit(fields === event.fields ? event : { ...event, fields });
    } catch {
      // emit never throws; a hostile info object must not break the logger either.
    }
    callback();
  }
}
