/**
 * The redactor: hides secrets and personal data in a record before it leaves the process or touches
 * disk. It never throws (a failure masks the whole value rather than leak it) and it is idempotent.
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { EventRecord, HeaderList, JsonValue } from '../core/event.js';
import { encodeReadable, safeDecode } from './encoding.js';
import { recordRedaction } from './redact-record.js';
import { replaceAll, replaceAnchored } from './scan-text.js';
import { NameMatcher } from './sensitive-names.js';
import { featuresOf, IP_PATTERNS, TEXT_PATTERNS, type TextPattern } from './text-patterns.js';

/** Options of {@link createRedactor}. */
export interface RedactionOptions {
  /** Turn redaction off entirely (not recommended). @default true */
  readonly enabled?: boolean;
  /** More sensitive key/header/parameter names (compared without case or separators). @default [] */
  readonly names?: readonly string[];
  /** More patterns to hide in any text. A string is compiled as a regular expression. @default [] */
  readonly patterns?: ReadonlyArray<{ readonly name: string; readonly pattern: string | RegExp }>;
  /** Names and values never redacted. @default {} */
  readonly allow?: { readonly names?: readonly string[]; readonly values?: ReadonlyArray<string | RegExp> };
  /**
   * How a hidden value is shown: `mask` → `[REDACTED:kind]`; `last4` keeps the last 4 characters of
   * values of 12 or more; `hash` adds a keyed hash so equal values can be correlated.
   * @default 'mask'
   */
  readonly replacement?: 'mask' | 'last4' | 'hash';
  /** Key of the `hash` replacement. @default a random key per process */
  readonly hashKey?: string;
  /** Hide personal data (emails, phone numbers, card numbers, IBANs). @default true */
  readonly pii?: boolean;
  /** Hide IP addresses. @default false */
  readonly ip?: boolean;
}

/** Redacts records and their parts. All methods are pure and never throw. */
export interface Redactor {
  record(record: EventRecord): EventRecord;
  text(text: string): string;
  url(url: string): string;
  headers(headers: HeaderList): HeaderList;
  value(value: JsonValue, keyHint?: string): JsonValue;
}

const MARKER = '[REDACTED';

/**
 * @example
 * const redact = createRedactor({ names: ['x-tenant-secret'], replacement: 'hash' });
 * redact.text('token=abc123 sent to bob@example.com'); // 'token=[REDACTED:secret~…] sent to [REDACTED:email~…]'
 */
export function createRedactor(options: RedactionOptions = {}): Redactor {
  if (options.enabled === false) {
    return { record: (r) => r, text: (t) => t, url: (u) => u, headers: (h) => h, value: (v) => v };
  }
  const names = new NameMatcher(options.names, options.allow?.names);
  const allowValues = (options.allow?.values ?? []).map((v) =>
    typeof v === 'string' ? v : new RegExp(v.source, v.flags.replace('g', '')),
  );
  const hashKey = options.hashKey ?? randomBytes(32).toString('hex');
  const mode = options.replacement ?? 'mask';
  const patterns: TextPattern[] = [
    ...(options.patterns ?? []).map((p) => ({ kind: p.name, regex: compileTextPattern(p.pattern) })),
    ...TEXT_PATTERNS.filter((p) => options.pii !== false || !p.pii),
    ...(options.ip ? IP_PATTERNS : []),
  ];

  const allowed = (value: string): boolean =>
    allowValues.some((a) => (typeof a === 'string' ? a === value : a.test(value)));

  const mask = (kind: string, secret: string): string => {
    if (secret.startsWith(MARKER)) return secret;
    switch (mode) {
      case 'mask':
        return `${MARKER}:${kind}]`;
      case 'last4':
        return secret.length >= 12 ? `${MARKER}:${kind} …${secret.slice(-4)}]` : `${MARKER}:${kind}]`;
      case 'hash':
        // '~', not '#': a marker must not contain a URL delimiter, or a second pass would read it as one.
        return `${MARKER}:${kind}~${createHmac('sha256', hashKey).update(secret).digest('hex').slice(0, 10)}]`;
    }
  };

  const text = (input: string): string => {
    // Nothing we look for fits in fewer than six characters ("pwd=x" is five: it names no secret).
    if (input.length < 6) return input;
    let out = input;
    let features = featuresOf(out);
    for (const p of patterns) {
      if (p.needs !== undefined && (features & p.needs) !== p.needs) continue;
      if (p.needsAny !== undefined && (features & p.needsAny) === 0) continue;
      if (p.prefilter && !p.prefilter.test(out)) continue;
      const before = out;
      const scan = p.anchor && out.length > 1_024 ? replaceAnchored : replaceAll;
      out = scan(out, p, (match, groups) => {
        const raw = p.group ? groups[p.group - 1] : match;
        if (raw === undefined) return undefined;
        const [open, secret, close] = splitQuotes(raw);
        if (secret === '' || secret.startsWith(MARKER) || allowed(secret)) return match;
        if (p.valid) {
          const found = p.valid(secret);
          if (found === undefined) return undefined;
          // Only the valid prefix is replaced; the rest of the match is scanned again.
          if (!p.group) return { text: mask(p.kind, found), consumed: found.length };
        }
        if (!p.group) return mask(p.kind, secret);
        // Keep the text around the secret (the key name and quotes, "Bearer", the URL scheme and user).
        const offset = match.lastIndexOf(raw);
        return `${match.slice(0, offset)}${open}${mask(p.kind, secret)}${close}${match.slice(offset + raw.length)}`;
      });
      // A replacement adds marker characters: recompute what later patterns may look for.
      if (out !== before) features = featuresOf(out);
    }
    return out;
  };

  const url = (input: string): string => {
    const hashAt = input.indexOf('#');
    const beforeHash = hashAt === -1 ? input : input.slice(0, hashAt);
    const fragment = hashAt === -1 ? '' : input.slice(hashAt);
    const q = beforeHash.indexOf('?');
    let base = q === -1 ? beforeHash : beforeHash.slice(0, q);
    base = base.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@?#]*)@/i, (_m, scheme: string, info: string) =>
      info.startsWith(MARKER) ? `${scheme}${info}@` : `${scheme}${mask('userinfo', info)}@`,
    );
    // Each part is scanned once, decoded: secrets inside percent-encoding are only visible that way.
    base = text(base.split('/').map(encodedPart).join('/'));
    const query = q === -1 ? '' : `?${params(beforeHash.slice(q + 1))}`;
    return `${base}${query}${fragment === '' ? '' : `#${params(fragment.slice(1))}`}`;
  };

  /** Scans a percent-encoded URL part as decoded text; re-encodes only when something was hidden. */
  const encodedPart = (part: string): string => {
    if (!part.includes('%') && !part.includes('+')) return text(part);
    const decoded = safeDecode(part);
    const redacted = text(decoded);
    return redacted === decoded ? part : encodeReadable(redacted);
  };

  /** Redacts `a=1&token=2` by parameter name. */
  const params = (query: string): string =>
    query
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq === -1) return encodedPart(pair);
        const key = pair.slice(0, eq);
        const raw = pair.slice(eq + 1);
        // Already hidden: decoding a marker (its '+' becomes a space) would change it on every pass.
        if (raw.startsWith(MARKER)) return pair;
        if (names.isSensitive(safeDecode(key), 'parameter'))
          return `${key}=${mask('secret', safeDecode(raw))}`;
        return `${key}=${encodedPart(raw)}`;
      })
      .join('&');

  const headers = (list: HeaderList): HeaderList =>
    list.map(([name, v]) => {
      if (!names.isSensitive(name, 'header')) return [name, text(v)] as const;
      // Keep an auth scheme word ("Bearer") so the reader knows what kind of credential was there.
      const scheme = /^(Bearer|Basic|Digest|Token|Bot|ApiKey)\s+\S/i.exec(v);
      return [
        name,
        scheme
          ? `${scheme[1]} ${mask('credential', v.slice(scheme[1]!.length + 1).trim())}`
          : mask('credential', v),
      ] as const;
    });

  const value = (input: JsonValue, keyHint?: string): JsonValue => {
    if (
      keyHint !== undefined &&
      names.isSensitive(keyHint, 'field') &&
      !(typeof input === 'string' && allowed(input))
    ) {
      if (input === null || input === '') return input;
      return mask('secret', typeof input === 'string' ? input : JSON.stringify(input));
    }
    if (typeof input === 'string') return text(input);
    if (Array.isArray(input)) return input.map((item) => value(item));
    if (typeof input === 'object' && input !== null) {
      const out: Record<string, JsonValue> = {};
      for (const [k, v] of Object.entries(input)) {
        const redactedKey = text(k);
        const next = value(v, k);
        if (redactedKey === '__proto__')
          Object.defineProperty(out, redactedKey, {
            value: next,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else out[redactedKey] = next;
      }
      return out;
    }
    return input;
  };

  const record = recordRedaction({ text, url, headers, value, params });

  return {
    record: guard(record, (r) => ({
      id: r.id,
      uid: r.uid,
      level: r.level,
      kind: r.kind,
      time: r.time,
      fields: {},
      tags: [],
      truncated: true,
      message: `${MARKER}:unredactable]`,
    })),
    text: guard(text, () => `${MARKER}:unredactable]`),
    url: guard(url, () => `${MARKER}:unredactable]`),
    headers: guard(headers, (list) => list.map(([n]) => [n, `${MARKER}:unredactable]`] as const)),
    value: guard(value, () => `${MARKER}:unredactable]`),
  };
}

/** Wraps a function so a failure yields a fully masked value instead of an exception or a leak. */
function guard<A extends unknown[], R>(
  fn: (...args: A) => R,
  fallback: (...args: A) => R,
): (...args: A) => R {
  return (...args) => {
    try {
      return fn(...args);
    } catch {
      return fallback(...args);
    }
  };
}

/** A redaction pattern as the global RegExp the redactor runs; a string is its source. */
export function compileTextPattern(pattern: string | RegExp): RegExp {
  if (typeof pattern === 'string') return new RegExp(pattern, 'g');
  return pattern.flags.includes('g')
    ? new RegExp(pattern.source, pattern.flags)
    : new RegExp(pattern.source, `${pattern.flags}g`);
}

/** Splits a quoted value into its quotes and content, so redaction keeps JSON and shell text valid. */
function splitQuotes(value: string): [string, string, string] {
  const q = value[0];
  if (value.length >= 2 && (q === '"' || q === "'") && value.at(-1) === q) return [q, value.slice(1, -1), q];
  return ['', value, ''];
}
