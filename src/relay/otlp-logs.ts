/**
 * OTLP/HTTP logs (`ExportLogsServiceRequest`, the OpenTelemetry protocol's JSON encoding) → offpath
 * events: severity → level, body → message, attributes → fields, resource `service.name` → the
 * `service` field, trace and span ids (hex, or base64 as some exporters send) → `trace_id`,
 * `span_id`, `trace_flags` fields in lowercase hex.
 * @module
 */
import type { OffpathEvent } from '../core/event.js';
import type { Level } from '../core/level.js';
import type { ItemError } from './parse-events.js';

/** Decoded events with their index among all log records of the request. */
export type DecodedLogs =
  | {
      readonly ok: true;
      readonly events: ReadonlyArray<{ readonly index: number; readonly event: OffpathEvent }>;
      /** Records refused (counted in the partial success answer). */
      readonly errors: readonly ItemError[];
      /** Problems that did not cost a record (an unreadable trace id, dropped). */
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly message: string };

type Json = Record<string, unknown>;

/** Decodes a parsed `ExportLogsServiceRequest` (JSON mapping, camelCase or snake_case keys). */
export function decodeOtlpLogs(request: unknown): DecodedLogs {
  if (!isObject(request)) return { ok: false, message: 'an ExportLogsServiceRequest must be a JSON object' };
  const resourceLogs = pick(request, 'resourceLogs', 'resource_logs') ?? [];
  if (!Array.isArray(resourceLogs)) return { ok: false, message: 'resourceLogs must be an array' };
  const events: Array<{ index: number; event: OffpathEvent }> = [];
  const errors: ItemError[] = [];
  const warnings: string[] = [];
  let index = 0;
  for (const rl of resourceLogs) {
    if (!isObject(rl)) return { ok: false, message: 'each resourceLogs entry must be an object' };
    const resource = pick(rl, 'resource');
    const resourceAttrs = attributes(isObject(resource) ? pick(resource, 'attributes') : undefined);
    const service = resourceAttrs['service.name'];
    const scopeLogs = pick(rl, 'scopeLogs', 'scope_logs') ?? [];
    if (!Array.isArray(scopeLogs)) return { ok: false, message: 'scopeLogs must be an array' };
    for (const sl of scopeLogs) {
      if (!isObject(sl)) return { ok: false, message: 'each scopeLogs entry must be an object' };
      const scope = pick(sl, 'scope');
      const scopeName = isObject(scope) ? pick(scope, 'name') : undefined;
      const records = pick(sl, 'logRecords', 'log_records') ?? [];
      if (!Array.isArray(records)) return { ok: false, message: 'logRecords must be an array' };
      for (const record of records) {
        const i = index++;
        if (!isObject(record)) {
          errors.push({ index: i, message: 'a log record must be an object' });
          continue;
        }
        const fields: Record<string, unknown> = attributes(pick(record, 'attributes'));
        if (typeof service === 'string') fields['service'] = service;
        if (typeof scopeName === 'string' && scopeName !== '') fields['otel.scope'] = scopeName;
        for (const [key, name, bytes] of [
          ['trace_id', pick(record, 'traceId', 'trace_id'), 16],
          ['span_id', pick(record, 'spanId', 'span_id'), 8],
        ] as const) {
          if (name === undefined || name === '') continue;
          const hex = idToHex(name, bytes);
          if (hex === undefined)
            warnings.push(`record ${i}: ${key} is not ${bytes} bytes of hex or base64; dropped`);
          else if (!/^0+$/.test(hex)) fields[key] = hex;
        }
        const flags = toNumber(pick(record, 'flags'));
        if (flags !== undefined && fields['trace_id'] !== undefined) {
          fields['trace_flags'] = (flags & 0xff).toString(16).padStart(2, '0');
        }
        const body = anyValue(pick(record, 'body'));
        const title = pick(record, 'eventName', 'event_name');
        const event: OffpathEvent = {
          level: level(
            pick(record, 'severityNumber', 'severity_number'),
            pick(record, 'severityText', 'severity_text'),
          ),
          kind: 'log',
          ...(typeof title === 'string' && title !== '' ? { title } : {}),
          ...(body === undefined ? {} : { message: typeof body === 'string' ? body : JSON.stringify(body) }),
          fields: typeof body === 'object' && body !== null ? { ...fields, body } : fields,
          ...timeOf(record),
        };
        events.push({ index: i, event });
      }
    }
  }
  return { ok: true, events, errors, warnings };
}

/** The OTLP severity number (1-24, in bands of four) or, failing that, its text, as an offpath level. */
function level(severity: unknown, severityText: unknown): Level {
  // The JSON mapping may also spell the enum by name: SEVERITY_NUMBER_WARN2.
  if (typeof severity === 'string' && severity.startsWith('SEVERITY_NUMBER_')) {
    return level(undefined, severity.slice('SEVERITY_NUMBER_'.length));
  }
  const severityNumber = toNumber(severity);
  if (severityNumber !== undefined && severityNumber >= 1 && severityNumber <= 24) {
    const bands: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];
    return bands[Math.floor((severityNumber - 1) / 4)]!;
  }
  const text = typeof severityText === 'string' ? severityText.toLowerCase() : '';
  if (text.startsWith('trace')) return 'trace';
  if (text.startsWith('debug')) return 'debug';
  if (text.startsWith('warn')) return 'warn';
  if (text.startsWith('err')) return 'error';
  if (text.startsWith('fatal') || text.startsWith('crit')) return 'critical';
  return 'info';
}

function timeOf(record: Json): { time?: number } {
  for (const key of ['timeUnixNano', 'time_unix_nano', 'observedTimeUnixNano', 'observed_time_unix_nano']) {
    const value = record[key];
    if (value === undefined || value === '0' || value === 0) continue;
    try {
      const ms = Number(BigInt(typeof value === 'number' ? Math.trunc(value) : String(value)) / 1_000_000n);
      if (ms > 0) return { time: ms };
    } catch {
      // Not an integer: fall through to the next key, then to the time of arrival.
    }
  }
  return {};
}

/** KeyValue list → plain object; later keys win. */
function attributes(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (!isObject(kv) || typeof kv['key'] !== 'string') continue;
    out[kv['key']] = anyValue(kv['value']) ?? null;
  }
  return out;
}

/** AnyValue → the JSON value it stands for (int64 as number when safe, bytes as base64 text). */
function anyValue(value: unknown): unknown {
  if (!isObject(value)) return undefined;
  if ('stringValue' in value || 'string_value' in value) return pick(value, 'stringValue', 'string_value');
  if ('boolValue' in value || 'bool_value' in value) return pick(value, 'boolValue', 'bool_value');
  if ('intValue' in value || 'int_value' in value) {
    const raw = pick(value, 'intValue', 'int_value');
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : String(raw);
  }
  if ('doubleValue' in value || 'double_value' in value)
    return Number(pick(value, 'doubleValue', 'double_value'));
  if ('bytesValue' in value || 'bytes_value' in value) return pick(value, 'bytesValue', 'bytes_value');
  const array = pick(value, 'arrayValue', 'array_value');
  if (isObject(array)) {
    const values = array['values'];
    return Array.isArray(values) ? values.map((v) => anyValue(v) ?? null) : [];
  }
  const kvlist = pick(value, 'kvlistValue', 'kvlist_value');
  if (isObject(kvlist)) return attributes(kvlist['values']);
  return undefined;
}

/** A trace or span id as lowercase hex: the OTLP JSON rule is hex, protobuf's generic JSON mapping base64. */
export function idToHex(value: unknown, bytes: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(value)) return value.toLowerCase();
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.length === bytes) return decoded.toString('hex');
  }
  return undefined;
}

function toNumber(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value !== ''
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

function pick(object: Json, ...keys: string[]): unknown {
  for (const key of keys) if (object[key] !== undefined) return object[key];
  return undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
