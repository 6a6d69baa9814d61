/**
 * A checker for Telegram's HTML parse mode that follows the behaviour of TDLib's parser (the code behind
 * the Bot API): the supported tags, attribute syntax, matching end tags, the entities `&lt; &gt; &amp;
 * &quot;` and numeric ones, and TDLib's error texts with UTF-8 byte offsets. Written from TDLib's test
 * expectations and the Bot API docs; see docs/EMULATORS.md for what is strict on purpose.
 * @module
 */
import { byteOffset, type MessageEntity, type ParsedText } from './entities.js';

/** Options of {@link parseTelegramHtml}. */
export interface HtmlParseOptions {
  /**
   * Reject a `&` that does not start `&lt;`, `&gt;`, `&amp;`, `&quot;` or a numeric entity. The Bot API
   * docs require escaping it; TDLib itself keeps such an `&` as text. @default true
   */
  readonly strictAmpersand?: boolean;
}

const TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'tg-emoji',
  'tg-time',
  'code',
  'pre',
  'blockquote',
]);

const ENTITY_TYPE: Readonly<Record<string, string>> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  span: 'spoiler',
  'tg-spoiler': 'spoiler',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-time': 'date_time',
};

const NAMED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
]);

interface Open {
  readonly name: string;
  readonly attrs: Map<string, string>;
  readonly plainOffset: number;
  readonly rawStart: number;
  language?: string;
}

class ParseError extends Error {}

/**
 * Parses `text` as Telegram HTML. On failure `error` is TDLib's message, e.g.
 * `Unsupported start tag "foo" at byte offset 12` (the Bot API prefixes it with
 * `Bad Request: can't parse entities: `).
 * @example
 * parseTelegramHtml('<b>hi</b> &amp; bye'); // { ok: true, text: 'hi & bye', entities: [{ type: 'bold', offset: 0, length: 2 }] }
 */
export function parseTelegramHtml(text: string, options: HtmlParseOptions = {}): ParsedText {
  try {
    return parse(text, options.strictAmpersand ?? true);
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: err.message };
    throw err;
  }
}

function parse(text: string, strictAmpersand: boolean): ParsedText {
  const n = text.length;
  const at = (i: number): number => byteOffset(text, i);
  const fail = (message: string): never => {
    throw new ParseError(message);
  };
  const stack: Open[] = [];
  const entities: MessageEntity[] = [];
  let out = '';
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === '&') {
      const decoded = decodeEntity(text, i, fail);
      if (decoded) {
        out += decoded.value;
        i = decoded.end;
        continue;
      }
      if (strictAmpersand) fail(`Unescaped "&" at byte offset ${at(i)}: write it as "&amp;"`);
    }
    if (c !== '<') {
      out += c;
      i++;
      continue;
    }
    const start = i;
    i++;
    if (text[i] !== '/') {
      const nameStart = i;
      while (i < n && !isSpace(text[i]) && text[i] !== '>') i++;
      if (i >= n) fail(`Unclosed start tag at byte offset ${at(start)}`);
      const name = text.slice(nameStart, i).toLowerCase();
      if (!TAGS.has(name)) fail(`Unsupported start tag "${name}" at byte offset ${at(start)}`);
      const attrs = new Map<string, string>();
      i = readAttributes(text, i, name, start, attrs, fail, at);
      if (name === 'span' && attrs.get('class') !== 'tg-spoiler') {
        fail(`Tag "span" must have class "tg-spoiler" at byte offset ${at(start)}`);
      }
      stack.push({ name, attrs, plainOffset: out.length, rawStart: start });
      continue;
    }
    if (stack.length === 0) fail(`Unexpected end tag at byte offset ${at(start)}`);
    i++;
    const nameStart = i;
    while (i < n && !isSpace(text[i]) && text[i] !== '>') i++;
    const endName = text.slice(nameStart, i).toLowerCase();
    while (i < n && isSpace(text[i])) i++;
    if (i >= n || text[i] !== '>') fail(`Unclosed end tag at byte offset ${at(start)}`);
    i++;
    const open = stack.pop() as Open;
    if (endName !== '' && endName !== open.name) {
      fail(
        `Unmatched end tag at byte offset ${at(start)}, expected "</${open.name}>", found "</${endName}>"`,
      );
    }
    closeEntity(open, out, stack, entities, fail);
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { ok: true, text: out, entities };
}

function readAttributes(
  text: string,
  from: number,
  tag: string,
  start: number,
  attrs: Map<string, string>,
  fail: (message: string) => never,
  at: (i: number) => number,
): number {
  const n = text.length;
  let i = from;
  while (text[i] !== '>') {
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) fail(`Unclosed start tag "${tag}" at byte offset ${at(start)}`);
    if (text[i] === '>') break;
    const attrStart = i;
    while (i < n && !isSpace(text[i]) && !'=>/"\''.includes(text[i] ?? '')) i++;
    const attr = text.slice(attrStart, i).toLowerCase();
    if (attr === '') fail(`Empty attribute name in the tag "${tag}" at byte offset ${at(start)}`);
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) fail(`Unclosed start tag "${tag}" at byte offset ${at(start)}`);
    if (text[i] !== '=') {
      if (tag === 'blockquote' && attr === 'expandable') {
        attrs.set(attr, '');
        continue;
      }
      fail(
        `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${at(start)}`,
      );
    }
    i++;
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) fail(`Unclosed start tag "${tag}" at byte offset ${at(start)}`);
    let value = '';
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      i++;
      while (i < n && text[i] !== quote) {
        const decoded = text[i] === '&' ? decodeEntity(text, i, fail) : undefined;
        value += decoded ? decoded.value : text[i];
        i = decoded ? decoded.end : i + 1;
      }
      if (i < n) i++;
    } else {
      const tokenStart = i;
      while (i < n && /[A-Za-z0-9.-]/.test(text[i] ?? '')) i++;
      value = text.slice(tokenStart, i).toLowerCase();
      if (i < n && !isSpace(text[i]) && text[i] !== '>')
        fail(`Unexpected end of name token at byte offset ${at(tokenStart)}`);
    }
    if (i >= n) fail(`Unclosed start tag at byte offset ${at(start)}`);
    if (!attrs.has(attr)) attrs.set(attr, value);
  }
  return i + 1;
}

function closeEntity(
  open: Open,
  out: string,
  stack: Open[],
  entities: MessageEntity[],
  fail: (message: string) => never,
): void {
  const offset = open.plainOffset;
  const length = out.length - offset;
  const parent = stack[stack.length - 1];
  const cls = open.attrs.get('class') ?? '';
  if (open.name === 'code' && parent?.name === 'pre' && cls.startsWith('language-')) {
    // <pre><code class="language-x"> is one "pre" entity carrying the language.
    parent.language = cls.slice('language-'.length);
    return;
  }
  if (open.name === 'tg-emoji') {
    const id = open.attrs.get('emoji-id') ?? '';
    if (!/^\d+$/.test(id)) fail('Invalid custom emoji identifier specified');
    if (length > 0) entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: id });
    return;
  }
  if (length === 0) return;
  if (open.name === 'a') {
    const href = open.attrs.get('href') ?? out.slice(offset);
    entities.push({ type: 'text_link', offset, length, url: href });
    return;
  }
  if (open.name === 'pre' && open.language !== undefined && open.language !== '') {
    entities.push({ type: 'pre', offset, length, language: open.language });
    return;
  }
  const type =
    open.name === 'blockquote' && open.attrs.has('expandable')
      ? 'expandable_blockquote'
      : ENTITY_TYPE[open.name];
  entities.push({ type: type ?? open.name, offset, length });
}

function decodeEntity(
  text: string,
  i: number,
  fail: (message: string) => never,
): { value: string; end: number } | undefined {
  if (text[i + 1] === '#') {
    const hex = text[i + 2] === 'x' || text[i + 2] === 'X';
    const digitsStart = i + (hex ? 3 : 2);
    const re = hex ? /[0-9A-Fa-f]/ : /[0-9]/;
    let j = digitsStart;
    while (j < text.length && re.test(text[j] ?? '')) j++;
    if (j === digitsStart) return undefined;
    const code = Number.parseInt(text.slice(digitsStart, j), hex ? 16 : 10);
    if (code > 0x10ffff) return undefined;
    if (code >= 0xd800 && code <= 0xdfff) {
      fail(
        'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
      );
    }
    return { value: String.fromCodePoint(code), end: text[j] === ';' ? j + 1 : j };
  }
  let j = i + 1;
  while (j < text.length && /[A-Za-z]/.test(text[j] ?? '')) j++;
  const value = NAMED.get(text.slice(i + 1, j));
  if (value === undefined) return undefined;
  return { value, end: text[j] === ';' ? j + 1 : j };
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}
