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
import { ConfigError } from '../../resilience/errors.js';
import { winstonToEvent } from './log-event.js';

/** What the transport delivers to: an offpath instance (flushed on close), or any emit function. */
type Target = { emit: EmitFn; flush?: () => Promise<unknown> } | EmitFn;

/** Options of {@link OffpathWinstonTransport}. */
export interface OffpathWinstonTransportOptions extends TransportStream.TransportStreamOptions {
  /** An offpath instance, or any emit function. Required. */
  readonly offpath: Target;
}

export class OffpathWinstonTransport extends TransportStream {
  readonly #emit: EmitFn;
  readonly #flush: (() => Promise<unknown>) | undefined;

  /** @throws ConfigError when `offpath` is neither an instance nor an emit function. */
  constructor(options: OffpathWinstonTransportOptions) {
    const target = (options as Partial<OffpathWinstonTransportOptions> | undefined)?.offpath;
    const isInstance = typeof target === 'object' && target !== null && typeof target.emit === 'function';
    if (typeof target !== 'function' && !isInstance) {
      // Without a target every log would vanish without a trace: refuse at construction instead.
      const message = 'needs an offpath instance or an emit function';
      throw new ConfigError(`OffpathWinstonTransport ${message}`, [
        { path: 'offpath', message, hint: 'new OffpathWinstonTransport({ offpath: createOffpath(config) })' },
      ]);
    }
    super(options);
    this.#emit = typeof target === 'function' ? target : (event) => target.emit(event);
    this.#flush =
      typeof target === 'function' || typeof target.flush !== 'function' ? undefined : () => target.flush!();
  }

  /** Called by `logger.close()`: flushes the instance, then emits `closed` (winston's convention). */
  override close(): void {
    const done = (): void => {
      this.emit('closed');
    };
    if (this.#flush === undefined) {
      setImmediate(done);
      return;
    }
    this.#flush().then(done, done);
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
    // winston's convention: 'logged' once the transport has taken the entry, after this call returns.
    setImmediate(() => this.emit('logged', info));
    callback();
  }
}
