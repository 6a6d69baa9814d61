/**
 * An in-memory destination for tests: it keeps what it receives and can be told how to answer.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import type { OutgoingMessage, SendContext, SendResult, Sink } from '../core/sink.js';

/** Decides the outcome of one send; may be async (to simulate latency or a hang). */
export type MemoryResponder = (
  batch: readonly EventRecord[],
  ctx: SendContext,
) => SendResult | Promise<SendResult>;

/** Options of {@link memorySink}. */
export interface MemorySinkOptions {
  /** Records per batch. @default 100 */
  readonly maxBatchSize?: number;
  /** Sends in flight at once. @default 1 */
  readonly concurrency?: number;
}

/** A sink that records deliveries. */
export interface MemorySink extends Sink<readonly EventRecord[]> {
  /** Every delivered record, in delivery order. */
  readonly records: readonly EventRecord[];
  /** Every delivered batch. */
  readonly batches: ReadonlyArray<readonly EventRecord[]>;
  /** Number of send calls, including failed ones. */
  readonly sends: number;
  /** Sets how the following sends are answered; `undefined` restores plain success. */
  respondWith(responder: MemoryResponder | undefined): void;
  clear(): void;
}

/**
 * A destination that keeps what it receives, for tests.
 * @example
 * const sink = memorySink();
 * const offpath = createOffpath({ destinations: [{ name: 'mem', type: 'custom', sink }] });
 * offpath.emit({ message: 'hello' });
 * await offpath.flush();
 * expect(sink.records[0].message).toBe('hello');
 */
export function memorySink(options: MemorySinkOptions = {}): MemorySink {
  const records: EventRecord[] = [];
  const batches: Array<readonly EventRecord[]> = [];
  let responder: MemoryResponder | undefined;
  let sends = 0;
  return {
    type: 'memory',
    maxBatchSize: options.maxBatchSize ?? 100,
    concurrency: options.concurrency ?? 1,
    get records() {
      return records;
    },
    get batches() {
      return batches;
    },
    get sends() {
      return sends;
    },
    format(batch: readonly EventRecord[]): OutgoingMessage<readonly EventRecord[]>[] {
      return [{ payload: batch, records: batch }];
    },
    async send(batch: readonly EventRecord[], ctx: SendContext): Promise<SendResult> {
      sends++;
      const result = responder ? await responder(batch, ctx) : ({ ok: true } as const);
      if (result.ok) {
        batches.push(batch);
        records.push(...batch);
      }
      return result;
    },
    respondWith(next) {
      responder = next;
    },
    clear() {
      records.length = 0;
      batches.length = 0;
      sends = 0;
    },
  };
}
