/**
 * Log records of pino and winston as offpath events: level mapped, the message, bindings and metadata
 * as fields, and error objects kept as errors.
 * @module
 */
import type { OffpathEvent } from '../../core/event.js';
import type { Level } from '../../core/level.js';

const PINO_LEVELS: ReadonlyArray<[number, Level]> = [
  [60, 'critical'],
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [0, 'trace'],
];

/** pino's numeric levels: 10 trace … 60 fatal (→ critical); custom levels map to the nearest below. */
export function pinoLevel(level: unknown): Level {
  const n = Number(level);
  for (const [min, name] of PINO_LEVELS) if (n >= min) return name;
  return 'info';
}

/** winston's npm levels (and syslog's alert/crit/emerg). */
export function winstonLevel(level: unknown): Level {
  switch (String(level)) {
    case 'emerg':
    case 'alert':
    case 'crit':
      return 'critical';
    case 'error':
      return 'error';
    case 'warn':
    case 'warning':
      return 'warn';
    case 'info':
    case 'http':
    case 'notice':
      return 'info';
    case 'verbose':
    case 'debug':
      return 'debug';
    case 'silly':
      return 'trace';
    default:
      return 'info';
  }
}

/** A pino log object (after its serialisers) as an event. */
export function pinoToEvent(log: Record<string, unknown>): OffpathEvent {
  const { level, time, msg, err, pid: _pid, hostname: _hostname, v: _v, ...fields } = log;
  const error = err as { type?: string; message?: string; stack?: string; code?: unknown } | undefined;
  return {
    level: pinoLevel(level),
    kind: 'log',
    ...(typeof msg === 'string' ? { message: msg } : error?.message ? { message: error.message } : {}),
    ...(typeof time === 'number' ? { time } : {}),
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
    ...(error && typeof error === 'object'
      ? {
          error: {
            name: error.type ?? 'Error',
            message: error.message ?? '',
            ...(error.stack ? { stack: error.stack } : {}),
            ...(error.code === undefined ? {} : { code: String(error.code) }),
          },
        }
      : {}),
    tags: ['pino'],
  };
}

/** A winston info object as an event. */
export function winstonToEvent(info: Record<string, unknown>): OffpathEvent {
  const { level, message, stack, timestamp, error, ...meta } = info;
  const err = error instanceof Error ? error : info instanceof Error ? info : undefined;
  return {
    level: winstonLevel(level),
    kind: 'log',
    ...(typeof message === 'string'
      ? { message }
      : message === undefined
        ? {}
        : { message: String(message) }),
    ...(typeof timestamp === 'string' && !Number.isNaN(Date.parse(timestamp))
      ? { time: Date.parse(timestamp) }
      : {}),
    ...(Object.keys(meta).length > 0 ? { fields: meta } : {}),
    ...(err
      ? { error: err }
      : typeof stack === 'string'
        ? { error: { name: 'Error', message: String(message ?? ''), stack } }
        : {}),
    tags: ['winston'],
  };
}
