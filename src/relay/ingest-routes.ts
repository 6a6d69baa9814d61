/**
 * The ingest API: `POST /v1/events` (offpath events as JSON, a JSON array or NDJSON) and
 * `POST /v1/logs` (OTLP/HTTP logs). Both parse, then hand their events to an {@link Ingest} (this process, or the shared queue).
 * @module
 */
import { Counter, type Registry } from 'prom-client';
import { jsonReply, problem, type Reply } from '../server/reply.js';
import type { RouteRequest } from '../server/route-table.js';
import type { ServiceServer } from '../server/service-server.js';
import type { Ingest } from './admit-events.js';
import { decodeOtlpLogs } from './otlp-logs.js';
import { decodeProtobufLogs, encodeProtobufResponse, PROTOBUF_TYPE } from './otlp-protobuf.js';
import { type ItemError, parseEvents } from './parse-events.js';

/** Most item errors listed in one answer; the count covers them all. */
const MAX_LISTED_ERRORS = 100;

/** Adds the ingest routes to `server`. */
export function mountIngestRoutes(server: ServiceServer, admission: Ingest, registry: Registry): void {
  const ingested = new Counter({
    name: 'offpath_ingest_events_total',
    help: 'Events received on the ingest endpoints, by endpoint and outcome (accepted, refused, throttled).',
    labelNames: ['endpoint', 'outcome'],
    registers: [registry],
  });
  const count = (endpoint: string, outcome: string, n: number): void => {
    if (n > 0) ingested.inc({ endpoint, outcome }, n);
  };
  const throttle = (admitted: { status: number; reason: string; retryAfterSeconds: number }): Reply => {
    const what = admitted.status === 429 ? 'nothing was accepted, retry later' : 'retry later';
    return problem(admitted.status, `${admitted.reason}; ${what}`, {
      'retry-after': String(admitted.retryAfterSeconds),
    });
  };
  /** Admits and counts; a refused batch comes back as the reply to send. */
  const admit = async (
    endpoint: string,
    events: Parameters<Ingest['admit']>[0],
    itemErrors: readonly ItemError[],
  ): Promise<Reply | { accepted: number; errors: ItemError[] }> => {
    const admitted = await admission.admit(events);
    if (!admitted.ok) {
      count(endpoint, 'throttled', events.length);
      return throttle(admitted);
    }
    const errors = [...itemErrors, ...admitted.refused].sort((a, b) => a.index - b.index);
    count(endpoint, 'accepted', admitted.accepted);
    count(endpoint, 'refused', errors.length);
    return { accepted: admitted.accepted, errors };
  };

  server.routes.add({
    method: 'POST',
    path: '/v1/events',
    access: 'token',
    handler: async (req: RouteRequest): Promise<Reply> => {
      const body = await req.body();
      if (!body.ok) return problem(body.status, body.message);
      // Saturated: refuse before parsing, so overload costs as little as possible.
      const saturated = admission.saturated();
      if (saturated) return throttle(saturated);
      const parsed = parseEvents(body.bytes, req.headers['content-type']);
      if (!parsed.ok) return problem(parsed.status, parsed.message);
      const admitted = await admit('/v1/events', parsed.events, parsed.errors);
      if ('status' in admitted) return admitted;
      return jsonReply(202, {
        accepted: admitted.accepted,
        refused: admitted.errors.length,
        errors: admitted.errors.slice(0, MAX_LISTED_ERRORS),
      });
    },
  });

  server.routes.add({
    method: 'POST',
    path: '/v1/logs',
    access: 'token',
    handler: async (req: RouteRequest): Promise<Reply> => {
      const body = await req.body();
      if (!body.ok) return problem(body.status, body.message);
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const protobuf = type === PROTOBUF_TYPE;
      if (!protobuf && type !== 'application/json') {
        return problem(
          415,
          `content-type "${type || '(none)'}" is not accepted on /v1/logs: use application/json or ${PROTOBUF_TYPE} (OTLP/HTTP)`,
        );
      }
      const saturated = admission.saturated();
      if (saturated) return throttle(saturated);
      const request = protobuf ? decodeProtobufLogs(body.bytes) : parseJson(body.bytes);
      if (request === undefined) {
        return problem(400, `the body is not ${protobuf ? 'a protobuf' : 'a JSON'} ExportLogsServiceRequest`);
      }
      const decoded = decodeOtlpLogs(request);
      if (!decoded.ok) return problem(400, decoded.message);
      const admitted = await admit('/v1/logs', decoded.events, decoded.errors);
      if ('status' in admitted) return admitted;
      const rejected = admitted.errors.length;
      const messages = admitted.errors.map((e) => `record ${e.index}: ${e.message}`);
      messages.push(...decoded.warnings);
      // ExportLogsServiceResponse: an empty partialSuccess means every record was accepted.
      const partialSuccess =
        messages.length === 0
          ? {}
          : { rejectedLogRecords: String(rejected), errorMessage: messages.slice(0, 20).join('; ') };
      if (!protobuf) return jsonReply(200, { partialSuccess });
      return {
        status: 200,
        headers: { 'content-type': PROTOBUF_TYPE },
        body: encodeProtobufResponse(partialSuccess),
      };
    },
  });
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}
