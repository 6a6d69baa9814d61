/**
 * The `offpath` body format of the http destination: a JSON array of events in the model of
 * `emit()`, which is what an offpath relay's `POST /v1/events` takes. A Node app can then use a relay
 * as its single destination; the relay applies the shared limits, digests and dead-letter queue.
 * @module
 */
import type { BodyRecord, EventRecord, OffpathEvent } from '../../core/event.js';

/** One normalised record as the event a relay re-emits (records are already bounded and redacted). */
export function toRelayEvent(record: EventRecord): OffpathEvent {
  const fields = record.digest
    ? {
        ...record.fields,
        'offpath.digest': {
          count: record.digest.count,
          firstTime: record.digest.firstTime,
          lastTime: record.digest.lastTime,
        },
      }
    : record.fields;
  const event: OffpathEvent = {
    level: record.level,
    kind: record.kind,
    time: record.time,
    fields,
    tags: record.tags,
    ...(record.title === undefined ? {} : { title: record.title }),
    ...(record.message === undefined ? {} : { message: record.message }),
    ...(record.fingerprint === undefined ? {} : { fingerprint: record.fingerprint }),
    ...(record.error === undefined ? {} : { error: record.error }),
  };
  if (!record.http) return event;
  const { request, response, error } = record.http;
  return {
    ...event,
    http: {
      request: { method: request.method, url: request.url, headers: request.headers, ...body(request.body) },
      ...(response
        ? {
            response: {
              status: response.status,
              headers: response.headers,
              ...body(response.body),
              ...(response.durationMs === undefined ? {} : { durationMs: response.durationMs }),
            },
          }
        : {}),
      ...(error ? { error } : {}),
    },
  };
}

/** A body excerpt as text: binary excerpts stay base64, marked so the reader knows. */
function body(record: BodyRecord | undefined): { body?: string } {
  if (!record) return {};
  return { body: record.encoding === 'base64' ? `[base64] ${record.data}` : record.data };
}
