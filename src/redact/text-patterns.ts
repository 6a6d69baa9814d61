/**
 * Credential formats and personal data found anywhere in free text. Each pattern is linear-time
 * (no nested quantifiers over the same characters) so a hostile megabyte of near-matches stays fast.
 * @module
 */
import { ibanValid, luhnValid } from './checksums.js';

/** One kind of secret or personal data in text. */
export interface TextPattern {
  readonly kind: string;
  readonly regex: RegExp;
  /** Index of the capture group holding the secret; 0 = the whole match. */
  readonly group?: number;
  /**
   * Checks a candidate (checksums) and returns the part that is the secret: the whole candidate, a
   * prefix of it (a greedy match may have swallowed a following number), or undefined.
   */
  readonly valid?: (candidate: string) => string | undefined;
  /** True for personal data (turned off with `pii: false`). */
  readonly pii?: boolean;
  /**
   * Features (see {@link F}) that must all be present for the pattern to possibly match, and features
   * of which at least one must be. Most strings in a record are short and plain; skipping the regex
   * for them is what keeps redaction at a few microseconds per event.
   */
  readonly needs?: number;
  readonly needsAny?: number;
  /** A cheaper regular expression that must match somewhere before the full pattern is tried. */
  readonly prefilter?: RegExp;
  /**
   * A character every match contains, with how far a match can reach before and after it. In long
   * texts the pattern then runs only on windows around that character instead of at every position.
   */
  readonly anchor?: { readonly char: string; readonly before: number; readonly after: number };
}

/** Character features of a text, computed in one pass; a pattern runs only if its needs are present. */
export const F = {
  digit: 1,
  at: 2,
  colon: 4,
  eq: 8,
  dash: 16,
  underscore: 32,
  dot: 64,
  slash: 128,
  plus: 256,
  paren: 512,
  upper: 1024,
  space: 2048,
} as const;

/** The features of `text`, as a bit mask of {@link F}. */
export function featuresOf(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) mask |= F.digit;
    else if (c >= 65 && c <= 90) mask |= F.upper;
    else if (c === 64) mask |= F.at;
    else if (c === 58) mask |= F.colon;
    else if (c === 61) mask |= F.eq;
    else if (c === 45) mask |= F.dash;
    else if (c === 95) mask |= F.underscore;
    else if (c === 46) mask |= F.dot;
    else if (c === 47) mask |= F.slash;
    else if (c === 43) mask |= F.plus;
    else if (c === 40) mask |= F.paren;
    else if (c === 32 || c === 10 || c === 9) mask |= F.space;
  }
  return mask;
}

// The match starts at the keyword itself, not at the start of the name ("db_password"): a pattern that
// starts at every word and then looks for a keyword cost ~1 ms per 16 KB of prose. The name's tail is
// bounded, which keeps it linear on hostile input.
const SENSITIVE_KEY =
  '(?:password|passwd|pwd|secret|token(?!s)|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|signature|credential|session[_-]?id)[A-Za-z0-9_.-]{0,40}';

/** Patterns in the order they run: specific formats before generic ones. */
export const TEXT_PATTERNS: readonly TextPattern[] = [
  {
    kind: 'private-key',
    prefilter: /PRIVATE KEY/,
    needs: F.dash | F.upper | F.space,
    regex: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  },
  {
    kind: 'discord-webhook',
    prefilter: /\/webhooks\//,
    needs: F.slash | F.digit | F.dot,
    regex:
      /(?:https?:\/\/)?(?:ptb\.|canary\.)?discord(?:app)?\.com\/api(?:\/v\d+)?\/webhooks\/\d+\/[A-Za-z0-9_-]+/gi,
  },
  {
    kind: 'slack-webhook',
    prefilter: /hooks\.slack\.com/i,
    needs: F.slash | F.dot,
    regex: /(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]+/gi,
  },
  {
    kind: 'telegram-token',
    needs: F.digit | F.colon,
    anchor: { char: ':', before: 16, after: 40 },
    regex: /(?:\b|(?<=bot))\d{6,12}:[A-Za-z0-9_-]{35}\b/g,
  },
  {
    kind: 'jwt',
    prefilter: /eyJ/,
    needs: F.dot | F.upper,
    regex: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
  },
  {
    kind: 'aws-access-key',
    prefilter: /A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)/,
    needs: F.upper | F.digit,
    regex: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g,
  },
  { kind: 'gcp-api-key', prefilter: /AIza/, needs: F.upper, regex: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  {
    kind: 'github-token',
    prefilter: /gh[pousr]_|github_pat_/,
    needs: F.underscore,
    regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g,
  },
  { kind: 'gitlab-token', prefilter: /glpat-/, needs: F.dash, regex: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  {
    kind: 'slack-token',
    prefilter: /xox[abposr]-|xapp-/,
    needs: F.dash,
    regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}/g,
  },
  {
    kind: 'stripe-key',
    prefilter: /_live_|_test_|whsec_/,
    needs: F.underscore,
    regex: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|\bwhsec_[A-Za-z0-9]{16,}/g,
  },
  { kind: 'anthropic-key', prefilter: /sk-ant-/, needs: F.dash, regex: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  {
    kind: 'openai-key',
    prefilter: /sk-/,
    needs: F.dash,
    regex: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
  },
  { kind: 'npm-token', prefilter: /npm_/, needs: F.underscore, regex: /\bnpm_[A-Za-z0-9]{36}\b/g },
  {
    kind: 'url-credentials',
    needs: F.colon | F.slash | F.at,
    anchor: { char: '@', before: 560, after: 1 },
    regex: /\b([a-z][a-z0-9+.-]{0,20}:\/\/(?!\[REDACTED)[^\s/:@]{1,256}:)([^\s/@]{1,256})@/gi,
    group: 2,
  },
  {
    kind: 'bearer',
    prefilter: /Bearer|Basic|Token|Digest/,
    needs: F.space | F.upper,
    regex: /\b(?:Bearer|Basic|Token|Digest)\s+([A-Za-z0-9._~+/=-]{8,})/g,
    group: 1,
  },
  {
    kind: 'secret',
    prefilter: /pass|pwd|secret|token|key|signature|credential|session/i,
    needsAny: F.eq | F.colon,
    regex: new RegExp(
      String.raw`${SENSITIVE_KEY}["']?\s*[:=]\s*("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s&,;"'}\]<>]+)`,
      'gi',
    ),
    group: 1,
  },
  {
    // Query parameters that carry credentials inside URLs written in free text.
    kind: 'secret',
    needs: F.eq,
    regex:
      /[?&#](?:code|state|access_token|refresh_token|id_token|token|sig|signature|key|api_key|apikey|password|secret|client_secret)=([^&\s#"'<>]+)/gi,
    group: 1,
  },
  {
    kind: 'email',
    needs: F.at | F.dot,
    anchor: { char: '@', before: 66, after: 400 },
    regex: /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}\b/g,
    pii: true,
  },
  {
    kind: 'iban',
    needs: F.upper | F.digit,
    regex: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g,
    valid: (c) => longestValidPrefix(c, ibanValid),
    pii: true,
  },
  {
    kind: 'card',
    needs: F.digit,
    regex: /\b\d(?:[ -]?\d){12,18}\b/g,
    valid: (c) =>
      longestValidPrefix(c, (prefix) => {
        const digits = prefix.replace(/[ -]/g, '');
        return cardPrefixValid(digits) && !/^(\d)\1+$/.test(digits) && luhnValid(digits);
      }),
    pii: true,
  },
  {
    kind: 'phone',
    needs: F.digit,
    needsAny: F.plus | F.paren,
    // An international number (+ and country code) or a North American (NNN) NNN-NNNN; bare digit runs
    // are left alone because timestamps and order numbers look the same.
    regex:
      /(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{3}\) ?\d{3}-\d{4})(?!\w)/g,
    valid: (c) =>
      longestValidPrefix(c, (prefix) => {
        const digits = prefix.replace(/\D/g, '').length;
        return digits >= 8 && digits <= 15;
      }),
    pii: true,
  },
];

/**
 * The longest prefix of `candidate`, cut at a space or dash, that passes `check`. A greedy match of
 * digit groups may run into the next number ("4111 1111 1111 1111 2026"); the secret is still there.
 */
function longestValidPrefix(candidate: string, check: (prefix: string) => boolean): string | undefined {
  for (
    let end = candidate.length;
    end > 0;
    end = Math.max(candidate.lastIndexOf(' ', end - 1), candidate.lastIndexOf('-', end - 1))
  ) {
    const prefix = candidate.slice(0, end);
    if (check(prefix)) return prefix;
  }
  return undefined;
}

/**
 * Issuer prefixes and lengths of the major card networks. Long numeric ids (Discord snowflakes, order
 * numbers) pass the Luhn check one time in ten; requiring a real issuer prefix removes most of those.
 */
function cardPrefixValid(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  if (d[0] === '4') return n === 13 || n === 16 || n === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return n >= 16 && n <= 19;
  if (p2 === 35) return n >= 16 && n <= 19;
  if (p2 === 36 || p2 === 38 || (p3 >= 300 && p3 <= 305)) return n >= 14 && n <= 19;
  return false;
}

/** IP addresses, redacted only with `ip: true`. */
export const IP_PATTERNS: readonly TextPattern[] = [
  {
    kind: 'ip',
    regex: /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g,
    pii: true,
  },
  {
    kind: 'ip',
    regex:
      /\b(?:[A-Fa-f0-9]{1,4}:){7}[A-Fa-f0-9]{1,4}\b|\b(?:[A-Fa-f0-9]{1,4}:){1,6}:(?:[A-Fa-f0-9]{1,4}(?::[A-Fa-f0-9]{1,4}){0,5})?\b/g,
    pii: true,
  },
];
