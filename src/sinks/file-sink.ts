/**
 * The file destination: JSON lines with size-based rotation (`app.log`, `app.log.1`, ...), each
 * record stamped with its origin and globally unique id (collector-record.ts). It makes a good
 * fallback: a disk rarely rate-limits.
 * @module
 */
import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EventRecord, RecordOrigin } from '../core/event.js';
import type { OutgoingMessage, SendContext, SendResult, Sink } from '../core/sink.js';
import { NetworkError } from '../resilience/errors.js';
import { collectorRecords } from './collector-record.js';
import { probeFile } from './file-probe.js';

/** Options of {@link fileSink}. */
export interface FileSinkOptions {
  readonly path: string;
  /** Size at which the file is rotated. @default 10_485_760 (10 MiB) */
  readonly maxBytes?: number;
  /** Rotated files kept besides the current one. @default 5 */
  readonly maxFiles?: number;
  /** Stamped on every record. @default { host: os.hostname() } */
  readonly origin?: RecordOrigin;
}

/**
 * Appends one JSON line per record.
 * @example
 * fileSink({ path: 'logs/offpath.ndjson', maxBytes: 5_000_000, maxFiles: 3 });
 */
export function fileSink(options: FileSinkOptions): Sink<string> {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 5;
  const stamp = collectorRecords(options.origin);
  let size: number | undefined;

  async function rotate(): Promise<void> {
    await rm(`${options.path}.${maxFiles}`, { force: true });
    for (let i = maxFiles - 1; i >= 1; i--) {
      await rename(`${options.path}.${i}`, `${options.path}.${i + 1}`).catch(ignoreMissing);
    }
    await rename(options.path, `${options.path}.1`).catch(ignoreMissing);
    size = 0;
  }

  return {
    type: 'file',
    maxBatchSize: 500,
    format(batch: readonly EventRecord[]): OutgoingMessage<string>[] {
      return [{ payload: batch.map((r) => `${JSON.stringify(stamp(r))}\n`).join(''), records: batch }];
    },
    async send(lines: string, _ctx: SendContext): Promise<SendResult> {
      try {
        if (size === undefined) {
          await mkdir(dirname(options.path), { recursive: true });
          size = await stat(options.path).then(
            (s) => s.size,
            () => 0,
          );
        }
        const bytes = Buffer.byteLength(lines);
        if (size > 0 && size + bytes > maxBytes) await rotate();
        await appendFile(options.path, lines, { mode: 0o600 });
        size += bytes;
        return { ok: true };
      } catch (error) {
        size = undefined;
        return {
          ok: false,
          kind: 'retryable',
          error: new NetworkError('file write failed', { cause: error }),
        };
      }
    },
    probe: () => probeFile(options.path),
  };
}

function ignoreMissing(error: unknown): void {
  if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
}
