/**
 * Cutting text to a platform limit without breaking it: never inside a surrogate pair, always with a
 * visible marker that says how much was cut. Lengths are counted in UTF-16 code units, which is what
 * Telegram documents and never less than what Discord or Slack could count.
 * @module
 */

/** Cuts `text` to at most `max` UTF-16 units, marking the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = `…(+${text.length - max} chars)`;
  if (max <= marker.length) return safeSlice(text, max);
  return `${safeSlice(text, max - marker.length)}${marker}`;
}

/** The first `n` UTF-16 units of `text`, one fewer if that would split a surrogate pair. */
export function safeSlice(text: string, n: number): string {
  if (n <= 0) return '';
  if (n >= text.length) return text;
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/**
 * Keeps the head and the tail of a long text (stack traces: the top says what, the bottom says where
 * it started), cutting whole lines in the middle.
 */
export function fitLines(text: string, max: number): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  const head: string[] = [];
  const tail: string[] = [];
  let used = 40;
  for (let i = 0, j = lines.length - 1; i <= j; ) {
    const next = head.length <= tail.length * 3 ? lines[i]! : lines[j]!;
    if (used + next.length + 1 > max) break;
    used += next.length + 1;
    if (head.length <= tail.length * 3) {
      head.push(next);
      i++;
    } else {
      tail.unshift(next);
      j--;
    }
  }
  const skipped = lines.length - head.length - tail.length;
  if (head.length === 0) return clip(text, max);
  return [...head, `… ${skipped} lines cut …`, ...tail].join('\n').slice(0, Math.max(max, 0));
}
