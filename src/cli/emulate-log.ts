/**
 * The line `offpath emulate` prints for each request: when, what, and how the emulator answered.
 * @module
 */
import type { RecordedRequest } from '../testing/emulators/recorder.js';

/** `12:00:01.234Z POST /api/webhooks/1/x?wait=false → 204 (143 B in)`, plus the injected fault. */
export function formatRequestLine(record: RecordedRequest): string {
  const time = new Date(record.time).toISOString().slice(11);
  const query = new URLSearchParams(record.query).toString();
  const outcome =
    record.status !== undefined
      ? String(record.status)
      : record.fault === 'reset'
        ? 'connection reset'
        : 'no answer (hanging)';
  const fault = record.fault && record.status !== undefined ? ` [fault: ${record.fault}]` : '';
  return `${time} ${record.method} ${record.path}${query ? `?${query}` : ''} → ${outcome} (${record.rawBody.length} B in)${fault}`;
}
