/**
 * Reading "how long must I wait" from 429 responses: the standard `Retry-After` header, Discord's and
 * Telegram's bodies, and a cap so a hostile or buggy server cannot park a destination for hours.
 * All results are whole milliseconds, rounded up so we never come back early.
 * @module
 */

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// The three HTTP-date forms of RFC 9110 §5.6.7: IMF-fixdate, the obsolete RFC 850 form, and asctime.
const IMF_FIXDATE = new RegExp(`^[a-z]{3}, (\\d{2}) ([a-z]{3}) (\\d{4}) ${TIME} gmt$`, 'i');
const RFC_850 = new RegExp(`^[a-z]{6,9}, (\\d{2})-([a-z]{3})-(\\d{2}) ${TIME} gmt$`, 'i');
const ASCTIME = new RegExp(`^[a-z]{3} ([a-z]{3}) ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i');

/** Seconds (possibly fractional) to whole milliseconds, rounded up, or undefined when not a valid wait. */
export function secondsToMs(seconds: unknown): number | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return undefined;
  // 64.57 * 1000 is 64570.00000000001 in binary floating point; the nudge keeps it at 64570.
  return Math.max(0, Math.ceil(seconds * 1000 - 1e-6));
}

/**
 * Parses a `Retry-After` header value into milliseconds from `nowMs`.
 * Accepts delta-seconds (decimals tolerated, as some servers send them) and the three HTTP-date forms;
 * a date in the past means "now" (0). Negative numbers, garbage and empty values give `undefined`.
 * @example
 * parseRetryAfterHeader('65', Date.now()); // 65000
 * parseRetryAfterHeader('Wed, 21 Oct 2015 07:28:00 GMT', Date.now()); // ms until then, or 0
 */
export function parseRetryAfterHeader(value: string | null | undefined, nowMs: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DELTA_SECONDS.test(text)) return secondsToMs(Number(text));
  const at = parseHttpDate(text, nowMs);
  return at === undefined ? undefined : Math.max(0, Math.ceil(at - nowMs));
}

/**
 * Reads `retry_after` from a Discord 429 body (parsed JSON, or its text). Discord sends float seconds
 * from API v8 on (`versioned: true`, for `/api/v10/...`) and milliseconds on the unversioned v6 API
 * that webhook URLs copied from the Discord UI still use.
 */
export function discordRetryAfterMs(body: unknown, versioned: boolean): number | undefined {
  const value = field(asObject(body), 'retry_after');
  if (versioned) return secondsToMs(value);
  const seconds = typeof value === 'number' ? value / 1000 : undefined;
  return secondsToMs(seconds);
}

/** Reads `parameters.retry_after` (integer seconds) from a Telegram Bot API error body (parsed, or text). */
export function telegramRetryAfterMs(body: unknown): number | undefined {
  return secondsToMs(field(asObject(field(asObject(body), 'parameters')), 'retry_after'));
}

/**
 * Limits a requested wait to `capMs`. `capped` tells the caller the server asked for more, so it can
 * decide to dead-letter or report instead of sleeping for hours. An invalid `ms` becomes 0.
 * @example
 * capRetryAfter(65_000, 120_000); // { waitMs: 65000, capped: false }
 * capRetryAfter(3_600_000, 120_000); // { waitMs: 120000, capped: true }
 */
export function capRetryAfter(ms: number, capMs: number): { waitMs: number; capped: boolean } {
  if (!(capMs >= 0)) throw new RangeError(`capRetryAfter: capMs must be >= 0, got ${capMs}`);
  if (!(ms >= 0)) return { waitMs: 0, capped: false };
  return ms > capMs ? { waitMs: capMs, capped: true } : { waitMs: ms, capped: false };
}

/** Parses an HTTP-date into epoch ms, or undefined when it is not one. */
export function parseHttpDate(text: string, nowMs: number): number | undefined {
  let m = IMF_FIXDATE.exec(text);
  if (m) return utc(m[3], m[2], m[1], m[4], m[5], m[6]);
  m = RFC_850.exec(text);
  if (m) return utc(String(fullYear(Number(m[3]), nowMs)), m[2], m[1], m[4], m[5], m[6]);
  m = ASCTIME.exec(text);
  if (m) return utc(m[6], m[1], m[2], m[3], m[4], m[5]);
  return undefined;
}

// RFC 9110: a two-digit year more than 50 years in the future means the most recent past such year.
function fullYear(twoDigits: number, nowMs: number): number {
  const current = new Date(nowMs).getUTCFullYear();
  let year = Math.floor(current / 100) * 100 + twoDigits;
  if (year > current + 50) year -= 100;
  return year;
}

function utc(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
): number | undefined {
  const mon = MONTHS.indexOf((month ?? '').toLowerCase());
  const [y, d, h, mi, s] = [year, day, hour, minute, second].map((v) => Number((v ?? '').trim()));
  if (
    mon < 0 ||
    y === undefined ||
    d === undefined ||
    h === undefined ||
    mi === undefined ||
    s === undefined
  ) {
    return undefined;
  }
  if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = Date.UTC(y, mon, d, h, mi, s);
  // Date.UTC rolls 31 Feb over into March; a real date keeps its day.
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}

function asObject(value: unknown): object | undefined {
  if (typeof value === 'string') {
    try {
      return asObject(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null ? value : undefined;
}

function field(obj: object | undefined, key: string): unknown {
  return obj === undefined ? undefined : (obj as Record<string, unknown>)[key];
}
