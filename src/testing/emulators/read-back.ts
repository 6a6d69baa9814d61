/**
 * The read-back endpoint of an emulator: `GET /__offpath/received` answers what the emulator received
 * as JSON (every request, and what the platform made of it: messages, batches), so a test in another
 * process (or language) can assert on it; `DELETE` forgets it (like `reset()`). Off unless
 * `readBack: true`; `offpath emulate` turns it on.
 * @module
 */
import type { RecordedRequest } from './recorder.js';

/** Path of the read-back endpoint. No platform route starts with `/__offpath`. */
export const READ_BACK_PATH = '/__offpath/received';

/** One request as the endpoint shows it: the recorded fields, with the raw body as text or base64. */
export interface ReadBackRequest extends Omit<RecordedRequest, 'rawBody'> {
  readonly rawBody: string;
  readonly rawBodyEncoding: 'utf8' | 'base64';
}

/** The endpoint's answer: every request in order, then what the platform adds (`messages`, `items`…). */
export function readBackBody(
  received: readonly RecordedRequest[],
  platform: Readonly<Record<string, unknown>>,
): { requests: ReadBackRequest[] } & Readonly<Record<string, unknown>> {
  return { requests: received.map(toJsonRequest), ...platform };
}

function toJsonRequest(record: RecordedRequest): ReadBackRequest {
  const text = utf8(record.rawBody);
  return {
    ...record,
    rawBody: text ?? record.rawBody.toString('base64'),
    rawBodyEncoding: text === undefined ? 'base64' : 'utf8',
  };
}

function utf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
