/**
 * The closed error hierarchy of offpath. Every error carries a stable `code` (never branch on `message`),
 * `isRetryable`, an optional `cause`, and where they apply `statusCode`, `requestId` and `retryAfterMs`.
 *
 * Brand checks use `Symbol.for`, so `instanceof` and {@link isOffpathError} hold even when two copies of
 * the package are loaded (for example one bundled by a dependency and one installed by the app).
 * @module
 */

const BRAND = Symbol.for('offpath.error');

/** Stable error codes. New codes may be added in minor versions; existing codes never change meaning. */
export type OffpathErrorCode =
  | 'ERR_NETWORK'
  | 'ERR_TIMEOUT'
  | 'ERR_AUTHENTICATION'
  | 'ERR_BAD_REQUEST'
  | 'ERR_RATE_LIMITED'
  | 'ERR_SERVER'
  | 'ERR_CIRCUIT_OPEN'
  | 'ERR_DESTINATION_GONE'
  | 'ERR_CONFIG'
  | 'ERR_SINK_FAILED';

/** Options shared by every offpath error. */
export interface OffpathErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
  /** HTTP status of the response that caused the error. */
  statusCode?: number;
  /** A request id reported by the remote side (for support tickets). */
  requestId?: string;
  /** How long the remote side asked us to wait, in milliseconds. */
  retryAfterMs?: number;
  /** Overrides the kind's default retryability. */
  isRetryable?: boolean;
}

/**
 * Base class of all offpath errors.
 * @example
 * if (isOffpathError(err) && err.code === 'ERR_RATE_LIMITED') wait(err.retryAfterMs);
 */
export class OffpathError extends Error {
  readonly code: OffpathErrorCode;
  readonly isRetryable: boolean;
  readonly statusCode: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: OffpathErrorCode,
    message: string,
    retryable: boolean,
    options: OffpathErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OffpathError';
    this.code = code;
    this.isRetryable = options.isRetryable ?? retryable;
    this.statusCode = options.statusCode;
    this.requestId = options.requestId;
    this.retryAfterMs = options.retryAfterMs;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Brand check that works across package copies. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (!isOffpathError(value)) return false;
    // `this` is the class `instanceof` was called on; each subclass declares the code it stands for.
    // biome-ignore lint/complexity/noThisInStatic: the check must see which subclass it was called on
    const code = (this as unknown as { readonly errorCode?: OffpathErrorCode }).errorCode;
    return code === undefined || value.code === code;
  }
}

/** True when `value` is an offpath error from any copy of the package. */
export function isOffpathError(value: unknown): value is OffpathError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** A connection could not be made or was reset. Retryable. */
export class NetworkError extends OffpathError {
  static readonly errorCode = 'ERR_NETWORK';
  constructor(message: string, options?: OffpathErrorOptions) {
    super('ERR_NETWORK', message, true, options);
    this.name = 'NetworkError';
  }
}

/** An attempt or a deadline ran out. Retryable. */
export class TimeoutError extends OffpathError {
  static readonly errorCode = 'ERR_TIMEOUT';
  constructor(message: string, options?: OffpathErrorOptions) {
    super('ERR_TIMEOUT', message, true, options);
    this.name = 'TimeoutError';
  }
}

/** Credentials were refused (401/403). Not retryable. */
export class AuthenticationError extends OffpathError {
  static readonly errorCode = 'ERR_AUTHENTICATION';
  constructor(message: string, options?: OffpathErrorOptions) {
    super('ERR_AUTHENTICATION', message, false, options);
    this.name = 'AuthenticationError';
  }
}

/** The payload was rejected (400-class). Not retryable unchanged. */
export class BadRequestError extends OffpathError {
  static readonly errorCode = 'ERR_BAD_REQUEST';
  constructor(message: string, options?: OffpathErrorOptions) {
    super('ERR_BAD_REQUEST', message, false, options);
    this.name = 'BadRequestError';
  }
}

/** The remote side answered 429; `retryAfterMs` says how long to wait when it was told. Retryable. */
export class RateLimitedError extends OffpathError {
  static readonly errorCode = 'ERR_RATE_LIMITED';
  constructor(message: string, options?: OffpathErrorOptions) {
    super('ERR_RATE_LIMITED', message, true, options);
    this.name = 'RateLimitedError';
  }
}

/** The remote side failed (5xx). Retryable. */
export class ServerError extends OffpathError {
  static readonly errorCode = 'ERR_SERVER';
  constructor(message: string, options?: OffpathErrorOptions) {
    super('ERR_SERVER', message, true, options);
    this.name = 'ServerError';
  }
}

/** A circuit breaker refused the call; `retryAfterMs` is the time until it half-opens. Retryable later. */
export class CircuitOpenError extends OffpathError {
  static readonly errorCode = 'ERR_CIRCUIT_OPEN';
  constructor(message: string, options?: OffpathErrorOptions) {
    super('ERR_CIRCUIT_OPEN', message, true, options);
    this.name = 'CircuitOpenError';
  }
}

/** The destination no longer exists (deleted webhook, revoked token, archived channel). Never retried. */
export class DestinationGoneError extends OffpathError {
  static readonly errorCode = 'ERR_DESTINATION_GONE';
  constructor(message: string, options?: OffpathErrorOptions) {
    super('ERR_DESTINATION_GONE', message, false, options);
    this.name = 'DestinationGoneError';
  }
}

/** One problem of a configuration: where it is, what is wrong, and how to fix it. */
export interface ConfigIssue {
  /** Where, as written in messages: `destinations[0].batch.maxSize`; `''` for the whole document. */
  readonly path: string;
  /** What is wrong: `expected a positive integer, got "ten"`. */
  readonly message: string;
  /** How to fix it, when there is more to say than the message: `did you mean "minLevel"?`. */
  readonly hint?: string | undefined;
}

/** An issue as one line: `path: message (hint)`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.path === '' ? '' : `${issue.path}: `;
  return `${where}${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`;
}

/** Configuration is invalid; `issues` name the field, the problem and the fix. */
export class ConfigError extends OffpathError {
  static readonly errorCode = 'ERR_CONFIG';
  /** One entry per problem found. */
  readonly issues: readonly ConfigIssue[];
  constructor(message: string, issues: readonly ConfigIssue[] = [], options?: OffpathErrorOptions) {
    super('ERR_CONFIG', message, false, options);
    this.name = 'ConfigError';
    this.issues = issues;
  }

  /** An error whose message is `heading:` followed by one line per issue. */
  static fromIssues(
    heading: string,
    issues: readonly ConfigIssue[],
    options?: OffpathErrorOptions,
  ): ConfigError {
    const lines = issues.map((issue) => `\n  - ${formatConfigIssue(issue)}`).join('');
    return new ConfigError(`${heading}:${lines}`, issues, options);
  }
}

/** A sink threw, hung or returned something that is not a result. Retryable. */
export class SinkFailedError extends OffpathError {
  static readonly errorCode = 'ERR_SINK_FAILED';
  constructor(message: string, options?: OffpathErrorOptions) {
    super('ERR_SINK_FAILED', message, true, options);
    this.name = 'SinkFailedError';
  }
}
