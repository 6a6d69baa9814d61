/**
 * A local HTTP collector: accepts batches as a JSON array, one JSON object or NDJSON, optionally
 * compressed, checks an auth header, records `Idempotency-Key` and counts duplicates.
 * @module
 */
import { STATUS_CODES } from 'node:http';
import { mediaType } from '../body.js';
import { pushBounded } from '../recorder.js';
import {
  type EmulatorHandle,
  type EmulatorRequest,
  type EmulatorResponse,
  type EmulatorServerOptions,
  startEmulatorServer,
} from '../server.js';
import { type BatchFormat, decodeEncoding, decodeItems } from './decode.js';

/** Options of `startCollectorEmulator`. */
export interface CollectorEmulatorOptions extends EmulatorServerOptions {
  /** Path answering GET/HEAD 200 (a reachability probe that posts nothing). @default '/health' */
  readonly probePath?: string;
  /** Require this header value on every request, else 401. @default none (no auth) */
  readonly auth?: { readonly header?: string; readonly value: string };
  /** Header carrying the idempotency key. @default 'idempotency-key' */
  readonly idempotencyHeader?: string;
  /** Status of an accepted batch. @default 200 */
  readonly successStatus?: number;
}

/** One accepted POST. */
export interface CollectorBatch {
  /** Arrival number of the request (matches `received[].seq`). */
  readonly seq: number;
  readonly path: string;
  readonly items: readonly unknown[];
  readonly format: BatchFormat;
  /** `Content-Encoding` used, `undefined` when none. */
  readonly encoding: string | undefined;
  readonly idempotencyKey: string | undefined;
  /** True when the key was seen before; the items are then not added to `items()`. */
  readonly duplicate: boolean;
  readonly time: number;
}

/** A running collector emulator. */
export interface CollectorEmulator extends EmulatorHandle {
  /** Every accepted batch in order, duplicates included. */
  batches(): CollectorBatch[];
  /** Items of non-duplicate batches, in order. */
  items(): unknown[];
  /** Batches whose idempotency key had been seen before. */
  duplicateCount(): number;
}

/**
 * Starts a collector emulator on 127.0.0.1.
 * @example
 * const collector = await startCollectorEmulator({ auth: { value: 'Bearer t' } });
 * await fetch(`${collector.url}/ingest`, {
 *   method: 'POST',
 *   headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
 *   body: '[{"a":1}]',
 * });
 * collector.items(); // [{ a: 1 }]
 */
export async function startCollectorEmulator(
  options: CollectorEmulatorOptions = {},
): Promise<CollectorEmulator> {
  const probePath = options.probePath ?? '/health';
  const keyHeader = (options.idempotencyHeader ?? 'idempotency-key').toLowerCase();
  const authHeader = (options.auth?.header ?? 'authorization').toLowerCase();
  const maxBytes = options.maxBodyBytes ?? 26_214_400;
  const batches: CollectorBatch[] = [];
  const keys = new Set<string>();

  const handle = (req: EmulatorRequest): EmulatorResponse => {
    if (options.auth && req.headers[authHeader] !== options.auth.value) {
      return { status: 401, body: { error: 'unauthorized' } };
    }
    if (req.path === probePath && (req.method === 'GET' || req.method === 'HEAD')) {
      return { status: 200, body: { ok: true } };
    }
    if (req.method !== 'POST')
      return { status: 405, headers: { allow: 'POST' }, body: { error: 'method not allowed' } };
    const encoding = header(req, 'content-encoding');
    const decoded = decodeEncoding(req.body, encoding ?? '', maxBytes);
    if (!decoded.ok) return { status: decoded.status, body: { error: decoded.error } };
    const batch = decodeItems(decoded.bytes, mediaType(req.headers));
    if (!batch.ok) return { status: batch.status, body: { error: batch.error } };
    req.setParsedBody(batch.items);
    const key = header(req, keyHeader);
    const duplicate = key !== undefined && keys.has(key);
    if (key !== undefined) keys.add(key);
    pushBounded(
      batches,
      {
        seq: req.seq,
        path: req.path,
        items: batch.items,
        format: batch.format,
        encoding,
        idempotencyKey: key,
        duplicate,
        time: req.time,
      },
      server.maxRecords,
    );
    return {
      status: options.successStatus ?? 200,
      body: { accepted: duplicate ? 0 : batch.items.length, duplicate },
    };
  };

  const server = await startEmulatorServer(
    {
      handle,
      failure: (_req, status) => ({ status, body: { error: STATUS_CODES[status] ?? 'error' } }),
      rateLimited: (_req, retryAfterSec) => ({
        status: 429,
        headers: { 'Retry-After': String(Math.ceil(retryAfterSec)) },
        body: { error: 'rate limited' },
      }),
    },
    options,
  );

  return {
    ...server.handle({
      resetState() {
        batches.length = 0;
        keys.clear();
      },
      describe: () => [
        `HTTP collector emulator listening on ${server.url}`,
        `  POST ${server.url}/ingest   (JSON array, JSON object or NDJSON; gzip/deflate/br accepted)`,
        `  GET  ${server.url}${probePath}   (probe)`,
        ...(options.auth ? [`  requires header ${authHeader}: ${options.auth.value}`] : []),
      ],
      readBack: () => ({ batches: [...batches] }),
    }),
    batches: () => [...batches],
    items: () => batches.filter((b) => !b.duplicate).flatMap((b) => b.items),
    duplicateCount: () => batches.filter((b) => b.duplicate).length,
  };
}

function header(req: EmulatorRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
