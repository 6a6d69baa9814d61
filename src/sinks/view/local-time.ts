/**
 * Times in chat messages as the people reading them keep time: local, with the zone named, so a
 * digest's "between 14:03:05 and 14:05:10 GMT+5:30" needs no conversion from UTC in one's head.
 * @module
 */

/** True when `name` is a time zone this runtime knows (an IANA name such as "Europe/Berlin", or "UTC"). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A wall-clock time and the zone it is in. */
export interface LocalClock {
  /** `HH:mm:ss`, 24-hour. */
  readonly time: string;
  /** The zone's short name or offset as the runtime writes it: `UTC`, `GMT+5:30`, `EST`. */
  readonly zone: string;
}

/**
 * The wall-clock time of `epochMs` in `timeZone`.
 * @param timeZone an IANA name; `undefined` means the process's local zone (TZ, else the system's).
 */
export function localClock(epochMs: number, timeZone?: string | undefined): LocalClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(epochMs);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return { time: `${part('hour')}:${part('minute')}:${part('second')}`, zone: part('timeZoneName') };
}

/**
 * A span of time as `14:03:05 and 14:05:10 GMT+5:30`; both ends carry their zone when they differ (a
 * daylight-saving change inside the span).
 */
export function localSpan(fromMs: number, toMs: number, timeZone?: string | undefined): string {
  const from = localClock(fromMs, timeZone);
  const to = localClock(toMs, timeZone);
  const start = from.zone === to.zone ? from.time : `${from.time} ${from.zone}`;
  return `${start} and ${to.time} ${to.zone}`;
}
