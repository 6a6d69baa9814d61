import { describe, expect, it } from 'vitest';
import { isTimeZone, localClock, localSpan } from './local-time.js';

/** 2026-01-15 04:00:05 UTC. */
const AT = Date.UTC(2026, 0, 15, 4, 0, 5);

describe('local time in messages', () => {
  it('writes the wall-clock time of the zone, with its name or offset', () => {
    expect(localClock(AT, 'UTC')).toEqual({ time: '04:00:05', zone: 'UTC' });
    expect(localClock(AT, 'Asia/Kolkata')).toEqual({ time: '09:30:05', zone: 'GMT+5:30' });
    // Past midnight: 24-hour, not "24:…".
    expect(localClock(Date.UTC(2026, 0, 15, 18, 45, 0), 'Asia/Kolkata').time).toBe('00:15:00');
  });

  it('names the zone once for a span, at both ends when a daylight-saving change falls inside it', () => {
    expect(localSpan(AT, AT + 30_000, 'Asia/Kolkata')).toBe('09:30:05 and 09:30:35 GMT+5:30');
    // New York moved from EST to EDT at 2026-03-08 07:00 UTC.
    const before = Date.UTC(2026, 2, 8, 6, 59, 30);
    expect(localSpan(before, before + 60_000, 'America/New_York')).toBe('01:59:30 EST and 03:00:30 EDT');
  });

  it('uses the process zone when none is given', () => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(localClock(AT)).toEqual(localClock(AT, zone));
  });

  it('knows IANA names and refuses others', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
