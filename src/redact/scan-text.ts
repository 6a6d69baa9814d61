/**
 * Scanning a text with one pattern and replacing what it finds: everywhere, or only in windows around
 * the pattern's anchor character so a long text is not scanned end to end.
 * @module
 */
import type { TextPattern } from './text-patterns.js';

/**
 * What a match becomes: a text for the whole match, a text for its first `consumed` characters, or
 * undefined to skip it (a candidate that failed its checksum).
 */
export type Replacer = (
  match: string,
  groups: ReadonlyArray<string | undefined>,
) => string | { readonly text: string; readonly consumed: number } | undefined;

/**
 * Replaces every match of a global pattern. When `replace` returns undefined (a candidate failed its
 * checksum), scanning resumes one character later, so a real match overlapping a false one is found.
 */
export function replaceAll(input: string, pattern: TextPattern, replace: Replacer): string {
  const re = pattern.regex;
  re.lastIndex = 0;
  let out = '';
  let copied = 0;
  let changed = false;
  for (let m = re.exec(input); m !== null; m = re.exec(input)) {
    const replacement = replace(m[0], m.slice(1));
    if (replacement === undefined) {
      re.lastIndex = m.index + 1;
      continue;
    }
    const text = typeof replacement === 'string' ? replacement : replacement.text;
    const consumed = typeof replacement === 'string' ? m[0].length : replacement.consumed;
    out += input.slice(copied, m.index) + text;
    copied = m.index + consumed;
    changed = true;
    // Resume right after what was replaced; an empty match would loop forever, so step over it.
    re.lastIndex = consumed === 0 ? copied + 1 : copied;
  }
  return changed ? out + input.slice(copied) : input;
}

/**
 * Like {@link replaceAll}, but only on windows of the text around the pattern's anchor character,
 * merged where they overlap; the rest of a long text is copied without being scanned.
 */
export function replaceAnchored(input: string, pattern: TextPattern, replace: Replacer): string {
  const { char, before, after } = pattern.anchor!;
  let out = '';
  let copied = 0;
  let at = input.indexOf(char);
  while (at !== -1) {
    const start = Math.max(copied, at - before);
    let end = Math.min(input.length, at + after + 1);
    // Extend the window while the next anchor falls inside it.
    for (
      let next = input.indexOf(char, at + 1);
      next !== -1 && next - before <= end;
      next = input.indexOf(char, next + 1)
    ) {
      end = Math.min(input.length, next + after + 1);
      at = next;
    }
    out += input.slice(copied, start) + replaceAll(input.slice(start, end), pattern, replace);
    copied = end;
    at = input.indexOf(char, end);
  }
  return copied === 0 ? input : out + input.slice(copied);
}
