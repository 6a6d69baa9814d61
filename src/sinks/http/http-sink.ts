/**
 * The HTTP collector destination: batches as a JSON array or NDJSON, optional gzip, custom headers,
 * and an idempotency key per batch so a collector can discard the duplicates that retries create.
 * Each record carries its origin and a globally unique id (collector-record.ts).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { EventRecord, RecordOrigin } from '../../core/event.js';
import type { OutgoingMessage, ProbeOutcome, SendContext, SendResult, Sink } from '../../core/sink.js';
import { type Clock, systemClock } from '../../resilience/clock.js';
import { collectorRecords } from '../collector-record.js';
import { classifyResponse, retryableStatus, type StatusRetryOptions } from './classify.js';
import { type HttpProbeOptions, pingHttp, probeHttp } from './http-probe.js';
import { toRelayEvent } from './relay-format.js';
import { HttpTransport, type HttpTransportOptions } from './transport.js';

const gzip = promisify(gzipCallback);

/** Options of {@link httpSink}. */
export interface HttpSinkOptions extends HttpTransportOptions, StatusRetryOptions {
  readonly url: string;
  /**
   * Body format: a JSON array of records, NDJSON, or `offpath` (a JSON array of events in the model of
   * `emit()`, for an offpath relay's `POST /v1/events`; docs/SERVE.md).
   * @default 'json'
   */
  readonly format?: 'json' | 'ndjson' | 'offpath';
  /**
   * Stamped on every record of the `json` and `ndjson` formats (a relay stamps its own).
   * @default { host: os.hostname() }
   */
  readonly origin?: RecordOrigin;
  /** Compress bodies with gzip. @default false */
  readonly gzip?: boolean;
  /** Extra request headers (for example an Authorization header for your collector). @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** How `offpath check --probe` checks the collector. @default undefined (not checked: reported as skipped) */
  readonly probe?: HttpProbeOptions | undefined;
  /** Most records per request. @default 500 */
  readonly maxBatchSize?: number;
  /** Most bytes of records per request (the pipeline's estimate, before gzip). @default 1_048_576 */
  readonly maxBatchBytes?: number;
  /**
   * Requests in flight at once (also the sockets kept, unless `connections` says otherwise).
   * Above 1, batches can reach the collector out of order. @default 4
   */
  readonly concurrency?: number;
  readonly clock?: Clock;
}

/** One HTTP request body with its idempotency key. */
export interface HttpPayload {
  readonly idempotencyKey: string;
  readonly body: string;
  readonly count: number;
}

/**
 * Posts batches of records to an HTTP collector.
 * @example
 * const sink = httpSink({ url: 'https://collector.example/ingest', format: 'ndjson', gzip: true });
 */
export function httpSink(options: HttpSinkOptions): Sink<HttpPayload> {
  const concurrency = options.concurrency ?? 4;
  const transport = new HttpTransport({ ...options, connections: options.connections ?? concurrency });
  const clock = options.clock ?? systemClock;
  const retryable = retryableStatus(options.retryableStatusCodes);
  const ndjson = options.format === 'ndjson';
  const stamp = collectorRecords(options.origin);
  const contentType = ndjson ? 'application/x-ndjson' : 'application/json';
  return {
    type: 'http',
    maxBatchSize: options.maxBatchSize ?? 500,
    maxBatchBytes: options.maxBatchBytes ?? 1_048_576,
    concurrency,
    format(batch: readonly EventRecord[]): OutgoingMessage<HttpPayload>[] {
      const body = ndjson
        ? `${batch.map((r) => JSON.stringify(stamp(r))).join('\n')}\n`
        : JSON.stringify(options.format === 'offpath' ? batch.map(toRelayEvent) : batch.map(stamp));
      return [{ payload: { idempotencyKey: randomUUID(), body, count: batch.length }, records: batch }];
    },
    async send(payload: HttpPayload, ctx: SendContext): Promise<SendResult> {
      const headers: Record<string, string> = {
        ...options.headers,
        'content-type': contentType,
        'idempotency-key': payload.idempotencyKey,
      };
      let body: string | Uint8Array = payload.body;
      if (options.gzip) {
        body = await gzip(payload.body);
        headers['content-encoding'] = 'gzip';
      }
      const outcome = await transport.send(options.url, { headers, body, signal: ctx.signal });
      if (!outcome.ok) return { ok: false, kind: 'retryable', error: outcome.error };
      return classifyResponse(outcome.response, clock.now(), retryable);
    },
    ping: (ctx) =>
      pingHttp(transport, options.url, options.probe, options.headers ?? {}, ctx.signal, () => clock.now()),
    async probe(ctx: SendContext): Promise<ProbeOutcome> {
      if (!options.probe) {
        return { status: 'skipped', detail: 'no probe configured (set probe, e.g. { "url": "/health" })' };
      }
      return probeHttp(transport, options.url, options.probe, options.headers ?? {}, ctx.signal);
    },
    close: () => transport.close(),
  };
}
