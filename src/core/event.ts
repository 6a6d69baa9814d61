/**
 * The event model: what a user or a source emits ({@link OffpathEvent}), and the bounded,
 * JSON-serialisable record that normalisation turns it into ({@link EventRecord}).
 * @module
 */
import type { Level } from './level.js';

/** Built-in kinds; any other string is a custom kind. */
export type EventKind = 'http' | 'log' | 'alert' | 'digest' | (string & {});

/** Header values as users and HTTP clients commonly hold them. */
export type HeadersInput =
  | Readonly<Record<string, string | number | readonly string[] | undefined>>
  | ReadonlyArray<readonly [string, string]>
  | { forEach(cb: (value: string, name: string) => void): void };

/** An HTTP exchange as captured by a source or passed by a user. All parts are optional. */
export interface HttpExchangeInput {
  request?: {
    method?: string;
    url?: string;
    headers?: HeadersInput;
    /** Text, bytes, or any JSON-able value (serialised with a size cap). */
    body?: unknown;
  };
  response?: {
    status?: number;
    headers?: HeadersInput;
    body?: unknown;
    durationMs?: number;
  };
  /** A failure without a response (refused connection, timeout, abort). */
  error?: { code?: string; message?: string };
  /**
   * Longest excerpt kept of each body, in bytes; never more than the instance's limit. Capture sources
   * set it from their `maxBodyBytes` option. The cut happens at normalisation, off the hot path.
   * @default the instance's limit, 16_384
   */
  maxBodyBytes?: number;
}

/** An error as users pass it: a real `Error` or a plain description. */
export type ErrorInput = Error | { name?: string; message?: string; stack?: string; code?: string | number };

/**
 * The event a user emits. Every field is optional; `level` defaults to `info` and `kind` to `log`
 * (or `http` when `http` is set).
 *
 * offpath reads the event after `emit()` returns (normalisation runs off the hot path), so do not
 * mutate an object after emitting it.
 */
export interface OffpathEvent {
  /** @default 'info' */
  level?: Level;
  /** @default 'log', or 'http' when `http` is present */
  kind?: EventKind;
  title?: string;
  message?: string;
  /** Extra key/values shown with the event. Any value is accepted and made JSON-safe. */
  fields?: Readonly<Record<string, unknown>>;
  tags?: readonly string[];
  /** When it happened (ms since epoch, or a Date). @default the time of `emit()` */
  time?: number | Date;
  /** Groups repeats of the same problem; derived from the content when absent. */
  fingerprint?: string;
  error?: ErrorInput;
  http?: HttpExchangeInput;
}

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A body excerpt, byte-capped. Binary bodies are kept as base64. */
export interface BodyRecord {
  readonly data: string;
  readonly encoding: 'utf8' | 'base64';
  /** Size of the original body in bytes, when known. */
  readonly size?: number;
  /** True when `data` holds only the first part of the body. */
  readonly truncated: boolean;
}

/** Headers in order, duplicates kept. */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

/** The normalised HTTP exchange. */
export interface HttpRecord {
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: HeaderList;
    readonly body?: BodyRecord;
  };
  readonly response?: {
    readonly status: number;
    readonly headers: HeaderList;
    readonly body?: BodyRecord;
    /** Rounded to the microsecond (three decimals). */
    readonly durationMs?: number;
  };
  readonly error?: { readonly code?: string; readonly message: string };
}

/** The normalised error. */
export interface ErrorRecord {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

/**
 * A normalised event: bounded in size, JSON-serialisable, safe to format and to store.
 * Where something was cut, the text carries a marker and `truncated` is true.
 */
export interface EventRecord {
  /**
   * Process-unique, increasing id assigned when the pipeline takes the record: the key of the
   * delivery ledger and of the `delivered`/`dropped` events. A record read back from the spool gets a
   * new one; collectors never see it (they get {@link EventRecord.uid} as `id`).
   */
  readonly id: number;
  /**
   * Globally unique id (a UUID version 7) made when the event is normalised. It stays the same through
   * retries, fallbacks, every destination the event goes to, the spool, a restart and a dead-letter
   * replay, so a collector can use it to discard duplicates. Digests get their own.
   */
  readonly uid: string;
  readonly level: Level;
  readonly kind: EventKind;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly title?: string;
  readonly message?: string;
  readonly fields: Readonly<Record<string, JsonValue>>;
  readonly tags: readonly string[];
  readonly fingerprint?: string;
  readonly error?: ErrorRecord;
  readonly http?: HttpRecord;
  /** Present on digests: how many events were merged into this one, and over which span. */
  readonly digest?: DigestInfo;
  readonly truncated: boolean;
}

/**
 * Where records come from; stamped on every record a collector or a file receives
 * (sinks/collector-record.ts).
 */
export interface RecordOrigin {
  /** The application or service name. @default undefined (left out of records) */
  readonly service?: string | undefined;
  /** The machine, container or pod. @default os.hostname() */
  readonly host?: string | undefined;
  /** The deployment environment (`production`, `staging`). @default undefined (left out of records) */
  readonly environment?: string | undefined;
  /** The version or build of the application. @default undefined (left out of records) */
  readonly release?: string | undefined;
}

/** Summary carried by a digest record. */
export interface DigestInfo {
  /** Events the digest stands for (shown). */
  readonly count: number;
  /**
   * Events of this process the digest settles, when other processes' repeats are in `count` too
   * (shared cooldowns: they settle theirs themselves). @default count
   */
  readonly accounted?: number;
  readonly firstTime: number;
  readonly lastTime: number;
  /** Per fingerprint counts, largest first, when the digest merges several fingerprints. */
  readonly groups?: ReadonlyArray<{
    readonly fingerprint: string;
    readonly count: number;
    readonly sample: string;
  }>;
}
