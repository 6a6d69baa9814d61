/**
 * How the emulators count "characters". Neither Discord nor Slack documents the unit; Telegram counts
 * message entities in UTF-16 code units. We default to UTF-16 code units everywhere because it is what
 * JavaScript's `String.length` returns and it is never smaller than the code point count, so a payload that
 * passes the emulator also passes a platform that counts code points.
 * @module
 */

/** `'utf16'`: UTF-16 code units (`String.length`); `'codepoints'`: Unicode code points. */
export type LengthUnit = 'utf16' | 'codepoints';

/** Length of `text` in the given unit. */
export function measureLength(text: string, unit: LengthUnit): number {
  if (unit === 'utf16') return text.length;
  let n = 0;
  for (const _ of text) n++;
  return n;
}
