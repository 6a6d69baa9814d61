/**
 * The console destination: readable lines on stdout or stderr, coloured on a TTY unless NO_COLOR.
 * @module
 */
import type { EventRecord } from '../../core/event.js';
import type { OutgoingMessage, SendContext, SendResult, Sink } from '../../core/sink.js';
import { NetworkError } from '../../resilience/errors.js';
import { type RenderLineOptions, renderLine } from './render-line.js';

/** Options of {@link consoleSink}. */
export interface ConsoleSinkOptions {
  /** @default process.stderr */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** @default 'compact' */
  readonly style?: 'compact' | 'expanded';
  /** 'auto' colours a TTY unless NO_COLOR is set (FORCE_COLOR forces it). @default 'auto' */
  readonly color?: boolean | 'auto';
  readonly curl?: RenderLineOptions['curl'];
}

/**
 * Writes events to a terminal or a pipe.
 * @example
 * createOffpath({ destinations: [{ name: 'dev', type: 'console', style: 'expanded' }] });
 */
export function consoleSink(options: ConsoleSinkOptions = {}): Sink<string> {
  const stream = options.stream ?? process.stderr;
  const render: RenderLineOptions = {
    style: options.style ?? 'compact',
    color: resolveColor(options.color ?? 'auto', stream.isTTY === true),
    curl: options.curl,
  };
  return {
    type: 'console',
    maxBatchSize: 100,
    format(batch: readonly EventRecord[]): OutgoingMessage<string>[] {
      return [{ payload: `${batch.map((r) => renderLine(r, render)).join('\n')}\n`, records: batch }];
    },
    send(text: string, _ctx: SendContext): Promise<SendResult> {
      return new Promise((resolve) => {
        stream.write(text, (error) => {
          resolve(
            error
              ? {
                  ok: false,
                  kind: 'retryable',
                  error: new NetworkError('console write failed', { cause: error }),
                }
              : { ok: true },
          );
        });
      });
    },
  };
}

function resolveColor(setting: boolean | 'auto', isTTY: boolean): boolean {
  if (setting !== 'auto') return setting;
  const env = process.env;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY;
}
