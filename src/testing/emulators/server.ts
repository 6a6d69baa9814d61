/**
 * The node:http core shared by every emulator: reads and records each request, applies the scripted faults,
 * asks the platform for an answer, and tracks sockets so `close()` never leaves anything open.
 * @module
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Clock, systemClock, type TimerHandle } from '../../resilience/clock.js';
import { assertPositive } from './assert-option.js';
import { readBody } from './body.js';
import { FaultController } from './faults.js';
import { READ_BACK_PATH, readBackBody } from './read-back.js';
import { pushBounded, queryRecord, type RecordedRequest, type RequestRecord } from './recorder.js';

/** Options every emulator accepts. */
export interface EmulatorServerOptions {
  /** Interface to listen on. Keep it on loopback: emulators have no authentication. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Drives rate windows, latency and timestamps. Pass a ManualClock for deterministic tests. @default systemClock */
  readonly clock?: Clock;
  /** Seed of every generated id, token and random failure. @default 1 */
  readonly seed?: number;
  /** Largest body read; larger requests get the platform's "too large" answer. @default 26_214_400 (25 MiB) */
  readonly maxBodyBytes?: number;
  /** Take the client address from `X-Forwarded-For` (lets one test act as several IPs). @default false */
  readonly trustForwardedFor?: boolean;
  /**
   * Most requests (and, separately, messages) kept; past it the oldest tenth is dropped, so a long-running
   * emulator stays bounded. @default 100_000
   */
  readonly maxRecords?: number;
  /**
   * Serve `GET /__offpath/received` (what was received, as JSON) and `DELETE` on it (forget it), for
   * tests that run in another process. @default false
   */
  readonly readBack?: boolean;
  /**
   * Called once per request when its fate is known: answered, reset, or left hanging (then `status`
   * is undefined). Read-back requests are not reported. @default none
   */
  readonly onRequest?: (record: RecordedRequest) => void;
}

/** What a platform plugs into the common handle. */
export interface EmulatorPlatform {
  resetState(): void;
  describe(): string[];
  /** What the platform made of the requests (`messages`, `batches`…), for the read-back endpoint. */
  readBack(): Readonly<Record<string, unknown>>;
}

/** A request as the platform handlers see it. */
export interface EmulatorRequest {
  /** Arrival number, the same as {@link RecordedRequest.seq}. */
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** True when the body exceeded `maxBodyBytes` (then `body` is empty). */
  readonly tooLarge: boolean;
  readonly ip: string;
  /** Arrival time on the emulator's clock. */
  readonly time: number;
  /** Sets the parsed body shown in {@link RecordedRequest.body}. */
  setParsedBody(value: unknown): void;
}

/** An answer. A string body is sent as is, a Buffer as bytes, anything else as JSON. */
export interface EmulatorResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** What a platform plugs into the server. */
export interface EmulatorHooks {
  handle(req: EmulatorRequest): EmulatorResponse | Promise<EmulatorResponse>;
  /** The platform's answer to an injected failure (`failNext`, failure rate, oversized body). */
  failure(req: EmulatorRequest, status: number): EmulatorResponse;
  /** The platform's own 429 for `rateLimitNext`. */
  rateLimited(req: EmulatorRequest, retryAfterSec: number): EmulatorResponse;
  /** Sees every answer (Discord counts invalid requests here). */
  answered?(req: EmulatorRequest, res: EmulatorResponse): void;
}

/** The common handle of every emulator. */
export interface EmulatorHandle {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** Every request in arrival order (live array; `reset()` empties it in place). */
  readonly received: RecordedRequest[];
  /** Scriptable faults. */
  readonly faults: FaultController;
  /** Forgets requests, messages, faults, rate windows and counters; keeps created webhooks/bots/chats. */
  reset(): void;
  /** Stops listening and destroys every open or hanging connection. Idempotent. */
  close(): Promise<void>;
  /** Human-readable lines with ready-to-use target URLs (printed by `offpath emulate`). */
  describe(): string[];
}

/** The running server, before a platform wraps it into its handle. */
export interface EmulatorServer {
  readonly url: string;
  readonly port: number;
  readonly received: RecordedRequest[];
  readonly faults: FaultController;
  readonly clock: Clock;
  /** The resolved `maxRecords`, for the platforms' message lists. */
  readonly maxRecords: number;
  /**
   * The part of the handle every emulator shares: `reset()` clears requests and faults, then calls
   * `resetState` for the platform's own windows and messages.
   */
  handle(platform: EmulatorPlatform): EmulatorHandle;
  close(): Promise<void>;
}

/** Starts the shared HTTP core; platforms call this and add their own methods. */
export async function startEmulatorServer(
  hooks: EmulatorHooks,
  options: EmulatorServerOptions = {},
): Promise<EmulatorServer> {
  const clock = options.clock ?? systemClock;
  const maxBodyBytes = options.maxBodyBytes ?? 26_214_400;
  const maxRecords = options.maxRecords ?? 100_000;
  assertPositive('maxRecords', maxRecords);
  const faults = new FaultController(options.seed ?? 1);
  const received: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<TimerHandle>();
  let seq = 0;
  let closed = false;
  let platform: EmulatorPlatform | undefined;
  const reset = (): void => {
    received.length = 0;
    faults.clear();
    platform?.resetState();
  };
  const report = (record: RequestRecord): void => {
    try {
      options.onRequest?.(record);
    } catch {
      // A failing observer must not change what the emulator answers.
    }
  };

  const server = createServer((req, res) => {
    // A bug in a platform hook must not become an unhandled rejection in the user's test process.
    serve(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = clock.now();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const read = await readBody(req, maxBodyBytes).catch(() => undefined);
    if (!read || read.aborted || closed) return;
    if (options.readBack && url.pathname === READ_BACK_PATH) {
      serveReadBack(req.method ?? 'GET', res);
      return;
    }
    const { bytes, tooLarge } = read;
    const record: RequestRecord = {
      seq: ++seq,
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers: req.headers,
      rawBody: bytes,
      body: undefined,
      ip: clientIp(req, options.trustForwardedFor ?? false),
      time,
      status: undefined,
      responseHeaders: {},
      responseBody: undefined,
      fault: undefined,
    };
    pushBounded(received, record, maxRecords);
    const request: EmulatorRequest = {
      seq: record.seq,
      method: record.method,
      path: record.path,
      query: record.query,
      headers: req.headers,
      body: bytes,
      tooLarge,
      ip: record.ip,
      time,
      setParsedBody: (value) => {
        record.body = value;
      },
    };

    const fault = faults.decide();
    if (fault.kind !== 'none') record.fault = fault.kind;
    if (fault.kind === 'hang') {
      report(record);
      return;
    }
    if (fault.kind === 'reset') {
      faults.requestHandled();
      req.socket.resetAndDestroy();
      report(record);
      return;
    }
    let response: EmulatorResponse;
    try {
      if (fault.kind === 'rate-limit') response = hooks.rateLimited(request, fault.retryAfterSec);
      else if (fault.kind === 'fail' || fault.kind === 'random-fail')
        response = hooks.failure(request, fault.status);
      else if (tooLarge) response = hooks.failure(request, 413);
      else response = await hooks.handle(request);
    } catch (err) {
      response = { status: 500, body: `emulator error: ${err instanceof Error ? err.message : String(err)}` };
    }
    hooks.answered?.(request, response);
    faults.requestHandled();
    const send = (): void => {
      if (closed) return;
      write(res, response, record);
      report(record);
    };
    if (faults.latencyMs > 0) {
      const timer = clock.setTimeout(() => {
        timers.delete(timer);
        send();
      }, faults.latencyMs);
      timers.add(timer);
    } else send();
  }

  function serveReadBack(method: string, res: ServerResponse): void {
    if (method === 'GET') {
      const body = JSON.stringify(readBackBody(received, platform?.readBack() ?? {}));
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else if (method === 'DELETE') {
      reset();
      res.writeHead(204).end();
    } else {
      res.writeHead(405, { allow: 'GET, DELETE' }).end();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const t of timers) clock.clearTimeout(t);
    timers.clear();
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await done;
  };
  const url = `http://${host}:${address.port}`;
  return {
    url,
    port: address.port,
    received,
    faults,
    clock,
    maxRecords,
    handle: (plugged) => {
      platform = plugged;
      const describe = (): string[] =>
        options.readBack
          ? [
              ...plugged.describe(),
              `  GET  ${url}${READ_BACK_PATH}   (what was received, as JSON; DELETE forgets it)`,
            ]
          : plugged.describe();
      return { url, port: address.port, received, faults, reset, close, describe };
    },
    close,
  };
}

function write(res: ServerResponse, response: EmulatorResponse, record: RequestRecord): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers ?? {})) headers[k.toLowerCase()] = v;
  let payload: Buffer | undefined;
  const body = response.body;
  if (typeof body === 'string') {
    payload = Buffer.from(body, 'utf8');
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (Buffer.isBuffer(body)) {
    payload = body;
    headers['content-type'] ??= 'application/octet-stream';
  } else if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body), 'utf8');
    headers['content-type'] ??= 'application/json';
  }
  if (payload) headers['content-length'] = String(payload.length);
  record.status = response.status;
  record.responseHeaders = headers;
  record.responseBody = payload?.toString('utf8') ?? '';
  res.writeHead(response.status, headers);
  res.end(payload);
}

function clientIp(req: IncomingMessage, trustForwardedFor: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustForwardedFor && typeof forwarded === 'string' && forwarded.trim() !== '') {
    return (forwarded.split(',')[0] ?? '').trim();
  }
  const ip = req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
