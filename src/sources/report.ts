/**
 * Manual reports: a caught error worth telling people about, and a timer that reports slow operations.
 * @module
 */
import { toMicroseconds } from '../core/duration.js';
import type { OffpathEvent } from '../core/event.js';
import type { Level } from '../core/level.js';
import { withRequestFields } from '../core/request-context.js';
import type { EmitFn } from '../core/source.js';

/** Options of {@link reportEvent}. */
export interface ReportOptions {
  readonly message?: string;
  readonly title?: string;
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly tags?: readonly string[];
  /** @default 'error' */
  readonly level?: Level;
}

/** The event of a manual bug report. */
export function reportEvent(error: unknown, options: ReportOptions = {}): OffpathEvent {
  const asError = error instanceof Error ? error : { name: 'Report', message: String(error) };
  const fields = withRequestFields(options.fields);
  return {
    level: options.level ?? 'error',
    kind: 'alert',
    title: options.title ?? `${asError.name ?? 'Error'}: ${asError.message ?? ''}`,
    ...(options.message ? { message: options.message } : {}),
    ...(fields ? { fields } : {}),
    ...(options.tags ? { tags: options.tags } : {}),
    error: asError,
  };
}

/** Options of {@link timeOperation}. */
export interface TimeOptions {
  /** Report when the operation takes longer. @default 1_000 */
  readonly slowMs?: number;
  /** @default 'warn' */
  readonly level?: Level;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * Runs `fn`; when it takes longer than `slowMs` (or fails after that long), emits an event. The
 * result or error of `fn` is passed through unchanged.
 * @example
 * const rows = await timeOperation(offpath.emit, 'monthly report query', () => db.query(sql), { slowMs: 500 });
 */
export async function timeOperation<T>(
  emit: EmitFn,
  name: string,
  fn: () => T | Promise<T>,
  options: TimeOptions = {},
): Promise<T> {
  const started = performance.now();
  let failure: unknown;
  try {
    return await fn();
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    const ms = performance.now() - started;
    const slowMs = options.slowMs ?? 1_000;
    if (ms > slowMs) {
      emit({
        level: options.level ?? 'warn',
        kind: 'alert',
        title: `Slow operation: ${name}`,
        message: `${name} took ${Math.round(ms)} ms (threshold ${slowMs} ms)${failure ? ' and failed' : ''}.`,
        fields: withRequestFields({ ...options.fields, durationMs: toMicroseconds(ms) }),
        ...(failure instanceof Error ? { error: failure } : {}),
        fingerprint: `slow-operation:${name}`,
      });
    }
  }
}
