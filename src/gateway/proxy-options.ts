/**
 * What one proxy of the gateway is: the options a user writes (in code or in the `proxies` list of a
 * config file), and their resolved form with every default applied and checked once.
 * @module
 */
import { circuitBreakerPresets } from '../resilience/circuit-breaker.js';
import type { CircuitBreakerOptions } from '../resilience/circuit-breaker-options.js';
import { ConfigError } from '../resilience/errors.js';
import { retryPresets } from '../resilience/retry-policy.js';
import type { RetryPolicyOptions } from '../resilience/retry-policy-options.js';
import type { CaptureOptions } from '../sources/capture-filter.js';
import { tokenDigest } from './proxy-auth.js';

/** Tokens that clients present to the proxy, and where they put them. */
export interface ProxyAuthOptions {
  /** Accepted tokens (compared in constant time, never logged or traced). */
  readonly tokens: readonly string[];
  /**
   * Header that carries the token. For `authorization` and `proxy-authorization` the `Bearer ` scheme
   * is optional. The header is never forwarded upstream.
   * @default 'authorization'
   */
  readonly header?: string;
}

/** Which exchanges become `http` events (the shared capture filter, without the pending-table knobs). */
export type GatewayCaptureOptions = Omit<CaptureOptions, 'maxPending' | 'onError'>;

/** Circuit-breaker preset names, or custom thresholds (as in the library). */
export type BreakerSetting =
  | keyof typeof circuitBreakerPresets
  | Pick<CircuitBreakerOptions, 'failureThreshold' | 'recoveryTimeoutMs' | 'halfOpenSuccessThreshold'>;

/** Retry preset names, or custom numbers (as in the library). */
export type RetrySetting =
  | keyof typeof retryPresets
  | Pick<RetryPolicyOptions, 'maxAttempts' | 'initialDelayMs' | 'maxDelayMs' | 'multiplier' | 'jitter'>;

/** One proxy: requests under `path` are forwarded to `target`. */
export interface ProxyOptions {
  /** Name in traces, metrics and the status page. @default the path without slashes, or 'default' for '/' */
  readonly name?: string;
  /** Path prefix served by this proxy; it is removed before forwarding. @default '/' */
  readonly path?: string;
  /** Upstream origin, optionally with a base path (`https://api.example.com/v1`). */
  readonly target: string;
  /**
   * Headers set on every upstream request, replacing any the client sent under the same name, for
   * example `{ authorization: 'Bearer ${UPSTREAM_KEY}' }` in a config file. Their values never reach
   * the client or a trace.
   * @default {}
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** Tokens clients must present. @default undefined: no check (allowed only on a loopback address) */
  readonly auth?: readonly string[] | ProxyAuthOptions;
  /** Time the upstream has to send its response headers, per attempt, in ms. @default 30_000 */
  readonly timeoutMs?: number;
  /** A response whose upstream sends nothing for this long is ended (mid-stream), in ms. @default 30_000 */
  readonly inactivityTimeoutMs?: number;
  /** Circuit breaker of the upstream: 'defaults' (5/30 s), 'lenient' (10/60 s), 'strict' (3/15 s). @default 'defaults' */
  readonly breaker?: BreakerSetting;
  /**
   * Retries of idempotent requests whose body was not read yet, before anything went to the client:
   * 'defaults' (3 attempts, 1 s), 'aggressive' (5, 500 ms), 'noRetry'.
   * @default 'defaults'
   */
  readonly retry?: RetrySetting;
  /** Which exchanges are traced. @default { status: ['4xx', '5xx'], slowMs: 2_000 }: failures and slow ones */
  readonly capture?: GatewayCaptureOptions;
  /** Largest request body accepted; larger ones are answered 413. @default 1_073_741_824 (1 GiB) */
  readonly maxRequestBytes?: number;
}

/** A proxy with every default applied. */
export interface ResolvedProxy {
  readonly name: string;
  /** The prefix without a trailing slash ('' for '/'). */
  readonly prefix: string;
  readonly target: URL;
  /** The target's base path without a trailing slash. */
  readonly basePath: string;
  /** Upstream headers, names in lower case. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** SHA-256 digests of the accepted tokens, and the header that carries one. */
  readonly auth: { readonly digests: readonly Buffer[]; readonly header: string } | undefined;
  readonly timeoutMs: number;
  readonly inactivityTimeoutMs: number;
  readonly breaker: Pick<
    CircuitBreakerOptions,
    'failureThreshold' | 'recoveryTimeoutMs' | 'halfOpenSuccessThreshold'
  >;
  readonly retry: RetryPolicyOptions;
  readonly capture: GatewayCaptureOptions;
  readonly maxRequestBytes: number;
  /** Values that must never appear in a trace or reach the client (upstream header values, client tokens). */
  readonly secrets: readonly string[];
}

/** Defaults of {@link ProxyOptions}. */
export const PROXY_DEFAULTS = {
  timeoutMs: 30_000,
  inactivityTimeoutMs: 30_000,
  breaker: 'defaults',
  retry: 'defaults',
  capture: { status: ['4xx', '5xx'], slowMs: 2_000 },
  maxRequestBytes: 1_073_741_824,
} as const;

/**
 * Applies the defaults and checks each proxy and the set (unique names and paths).
 * @throws ConfigError naming the proxy and the field.
 */
export function resolveProxies(proxies: readonly ProxyOptions[]): ResolvedProxy[] {
  if (proxies.length === 0) throw new ConfigError('gateway: configure at least one proxy');
  const resolved = proxies.map((p, i) => resolveProxy(p, `proxies[${i}]`));
  const seen = new Map<string, string>();
  resolved.forEach((p, i) => {
    for (const key of [`name:${p.name}`, `path:${p.prefix}`]) {
      if (seen.has(key)) {
        throw new ConfigError(
          `proxies[${i}]: ${key.replace(':', ' "')}" is already used by ${seen.get(key)} (give each proxy its own)`,
        );
      }
      seen.set(key, `proxies[${i}]`);
    }
  });
  // Longest prefix first, so '/openai/v2' wins over '/openai' and '/'.
  return resolved.sort((a, b) => b.prefix.length - a.prefix.length);
}

function resolveProxy(p: ProxyOptions, where: string): ResolvedProxy {
  const fail = (field: string, problem: string): never => {
    throw new ConfigError(`${where}.${field}: ${problem}`);
  };
  let target: URL;
  try {
    target = new URL(p.target);
  } catch {
    return fail('target', `must be an absolute http(s) URL, got "${String(p.target)}"`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') fail('target', 'must use http or https');
  if (target.search !== '' || target.hash !== '') fail('target', 'must not have a query or a fragment');
  const path = p.path ?? '/';
  if (!path.startsWith('/')) fail('path', `must start with "/", got "${path}"`);
  const prefix = path.replace(/\/+$/, '');
  const name = p.name ?? (prefix === '' ? 'default' : prefix.slice(1).replace(/\//g, '-'));
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    fail('name', 'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');
  }
  const positiveMs = (field: 'timeoutMs' | 'inactivityTimeoutMs' | 'maxRequestBytes', fallback: number) => {
    const value = p[field] ?? fallback;
    if (!(Number.isInteger(value) && value > 0)) fail(field, `must be a whole number above 0, got ${value}`);
    return value;
  };
  const headers = Object.entries(p.headers ?? {}).map(([k, v]) => {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) fail(`headers.${k}`, 'is not a valid header name');
    if (typeof v !== 'string' || /[\r\n\0]/.test(v))
      fail(`headers.${k}`, 'must be a string without line breaks');
    return [k.toLowerCase(), v] as const;
  });
  const tokens = authTokens(p.auth, fail);
  return {
    name,
    prefix,
    target,
    basePath: target.pathname.replace(/\/+$/, ''),
    headers,
    auth: tokens && { digests: tokens.tokens.map(tokenDigest), header: tokens.header },
    timeoutMs: positiveMs('timeoutMs', PROXY_DEFAULTS.timeoutMs),
    inactivityTimeoutMs: positiveMs('inactivityTimeoutMs', PROXY_DEFAULTS.inactivityTimeoutMs),
    maxRequestBytes: positiveMs('maxRequestBytes', PROXY_DEFAULTS.maxRequestBytes),
    breaker: preset(p.breaker ?? PROXY_DEFAULTS.breaker, circuitBreakerPresets, 'breaker', fail),
    retry: preset(p.retry ?? PROXY_DEFAULTS.retry, retryPresets, 'retry', fail),
    capture: { ...PROXY_DEFAULTS.capture, ...p.capture },
    // Short values would scrub common words out of traces; real keys and tokens are longer.
    secrets: secretsOf(headers, tokens?.tokens ?? []),
  };
}

/**
 * Exact values to scrub: each header value and, for `Scheme credential` values, the credential alone
 * (an upstream may echo the key without its scheme); longest first, so the whole value goes at once.
 */
function secretsOf(headers: ReadonlyArray<readonly [string, string]>, tokens: readonly string[]): string[] {
  const values = headers.flatMap(([, v]) => {
    const scheme = /^[A-Za-z][\w-]*\s+(\S+)$/.exec(v);
    return scheme ? [v, scheme[1]!] : [v];
  });
  return [...new Set([...values, ...tokens])]
    .filter((s) => s.length >= 8)
    .sort((a, b) => b.length - a.length);
}

function authTokens(
  auth: ProxyOptions['auth'],
  fail: (field: string, problem: string) => never,
): { tokens: readonly string[]; header: string } | undefined {
  if (auth === undefined) return undefined;
  const { tokens, header = 'authorization' } = Array.isArray(auth)
    ? { tokens: auth as readonly string[] }
    : (auth as ProxyAuthOptions);
  if (tokens.length === 0) fail('auth.tokens', 'list at least one token, or remove auth');
  tokens.forEach((t, i) => {
    if (typeof t !== 'string' || t.length < 16) {
      fail(
        `auth.tokens[${i}]`,
        'must be a string of at least 16 characters (openssl rand -hex 24 makes one)',
      );
    }
  });
  return { tokens, header: header.toLowerCase() };
}

function preset<T extends object>(
  value: string | T,
  presets: Readonly<Record<string, T>>,
  field: string,
  fail: (field: string, problem: string) => never,
): T {
  if (typeof value !== 'string') return value;
  const found = presets[value];
  if (found === undefined) fail(field, `unknown preset "${value}" (use ${Object.keys(presets).join(', ')})`);
  return found as T;
}
