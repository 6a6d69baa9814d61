/**
 * A checker for Telegram's MarkdownV2 parse mode following TDLib's parser: reserved characters must be
 * escaped with `\`, every entity must be closed, and errors carry TDLib's texts with UTF-8 byte offsets
 * (`Can't find end of Bold entity at byte offset 15`, `Character '.' is reserved and must be escaped with the
 * preceding '\'`). Blockquotes are handled line by line; expandable blockquotes are not modelled.
 * @module
 */
import { byteOffset, type MessageEntity, type ParsedText } from './entities.js';

interface Open {
  readonly kind: string;
  readonly marker: string;
  readonly plainOffset: number;
  readonly rawStart: number;
  language?: string;
}

const RESERVED = new Set([...']()>#+-=|{}.!']);
const TYPE: Readonly<Record<string, string>> = {
  Bold: 'bold',
  Italic: 'italic',
  Underline: 'underline',
  Strikethrough: 'strikethrough',
  Spoiler: 'spoiler',
  Code: 'code',
  Pre: 'pre',
  PreCode: 'pre',
  TextUrl: 'text_link',
  CustomEmoji: 'custom_emoji',
};

class ParseError extends Error {}

/**
 * Parses `text` as MarkdownV2.
 * @example
 * parseTelegramMarkdownV2('*bold* 1\\.5'); // { ok: true, text: 'bold 1.5', entities: [{ type: 'bold', offset: 0, length: 4 }] }
 */
export function parseTelegramMarkdownV2(text: string): ParsedText {
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: err.message };
    throw err;
  }
}

function parse(text: string): ParsedText {
  const n = text.length;
  const fail = (message: string): never => {
    throw new ParseError(message);
  };
  const unclosed = (o: Open): never =>
    fail(`Can't find end of ${o.kind} entity at byte offset ${byteOffset(text, o.rawStart)}`);
  const stack: Open[] = [];
  const entities: MessageEntity[] = [];
  let quote: { start: number } | undefined;
  let out = '';
  let i = 0;
  const push = (kind: string, marker: string, start: number): void => {
    stack.push({ kind, marker, plainOffset: out.length, rawStart: start });
  };
  const close = (o: Open, extra: Partial<MessageEntity> = {}): void => {
    const length = out.length - o.plainOffset;
    if (length > 0 || o.kind === 'CustomEmoji') {
      entities.push({ type: TYPE[o.kind] ?? o.kind, offset: o.plainOffset, length, ...extra });
    }
  };
  while (i < n) {
    const c = text[i] ?? '';
    const lineStart = i === 0 || text[i - 1] === '\n';
    if (lineStart && quote && c !== '>') {
      const inner = stack[stack.length - 1];
      if (inner) unclosed(inner);
      entities.push({ type: 'blockquote', offset: quote.start, length: out.length - quote.start });
      quote = undefined;
    }
    if (lineStart && c === '>') {
      quote ??= { start: out.length };
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top && (top.kind === 'Code' || top.kind === 'Pre' || top.kind === 'PreCode')) {
      if (c === '\\' && (text[i + 1] === '`' || text[i + 1] === '\\')) {
        out += text[i + 1];
        i += 2;
      } else if (text.startsWith(top.marker, i)) {
        stack.pop();
        close(top, top.language ? { language: top.language } : {});
        i += top.marker.length;
      } else if (c === '`') {
        // TDLib opens a Code entity at a lone backtick inside a pre block.
        push('Code', '`', i);
        i++;
      } else {
        out += c;
        i++;
      }
      continue;
    }
    if (c === '\\') {
      const next = text.codePointAt(i + 1);
      if (next !== undefined && next >= 1 && next <= 126) {
        out += text[i + 1];
        i += 2;
      } else {
        out += c;
        i++;
      }
      continue;
    }
    if (top?.kind === 'TextUrl' || top?.kind === 'CustomEmoji') {
      if (c === ']') {
        i = closeLink(text, i + 1, top, stack, close, fail);
        continue;
      }
    }
    const marker = c === '_' && text[i + 1] === '_' ? '__' : c === '|' && text[i + 1] === '|' ? '||' : c;
    if (top && top.marker === marker && top.kind !== 'TextUrl' && top.kind !== 'CustomEmoji') {
      stack.pop();
      close(top);
      i += marker.length;
      continue;
    }
    const kind = { '*': 'Bold', _: 'Italic', __: 'Underline', '~': 'Strikethrough', '||': 'Spoiler' }[marker];
    if (kind !== undefined) {
      push(kind, marker, i);
      i += marker.length;
      continue;
    }
    if (c === '`') {
      if (text.startsWith('```', i)) {
        i = openPre(text, i, stack, out.length);
      } else {
        push('Code', '`', i);
        i++;
      }
      continue;
    }
    if (c === '[' || (c === '!' && text[i + 1] === '[')) {
      push(c === '[' ? 'TextUrl' : 'CustomEmoji', ']', i);
      i += c === '[' ? 1 : 2;
      continue;
    }
    if (RESERVED.has(c)) fail(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    out += c;
    i++;
  }
  const last = stack[stack.length - 1];
  if (last) unclosed(last);
  if (quote) entities.push({ type: 'blockquote', offset: quote.start, length: out.length - quote.start });
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { ok: true, text: out, entities: entities.filter((e) => e.length > 0 || e.type === 'custom_emoji') };
}

/** Opens a ``` block: a language token directly followed by whitespace makes it PreCode. */
function openPre(text: string, at: number, stack: Open[], plainOffset: number): number {
  let i = at + 3;
  const token = /^[^\s`]*/.exec(text.slice(i))?.[0] ?? '';
  const after = text[i + token.length];
  const hasLanguage = token !== '' && after !== undefined && /\s/.test(after);
  const open: Open = { kind: hasLanguage ? 'PreCode' : 'Pre', marker: '```', plainOffset, rawStart: at };
  if (hasLanguage) {
    open.language = token;
    i += token.length;
    const nl = /^(\r\n|\n\r|\n|\r)/.exec(text.slice(i))?.[0];
    if (nl) i += nl.length;
  }
  stack.push(open);
  return i;
}

/** After `]` of a link or custom emoji: reads the optional `(url)` and closes the entity. */
function closeLink(
  text: string,
  from: number,
  open: Open,
  stack: Open[],
  close: (o: Open, extra?: Partial<MessageEntity>) => void,
  fail: (message: string) => never,
): number {
  stack.pop();
  let i = from;
  let url: string | undefined;
  if (text[i] === '(') {
    const urlStart = i + 1;
    i = urlStart;
    url = '';
    while (i < text.length && text[i] !== ')') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      url += text[i];
      i++;
    }
    if (i >= text.length) {
      const what = open.kind === 'CustomEmoji' ? 'a custom emoji URL' : 'a URL';
      fail(`Can't find end of ${what} at byte offset ${byteOffset(text, urlStart)}`);
    }
    i++;
  }
  if (open.kind === 'CustomEmoji') {
    if (url === undefined) fail('Custom emoji entity must contain a tg://emoji URL');
    const id = /^tg:\/\/emoji\/?\?(?:.*&)?id=(\d+)/i.exec(url ?? '')?.[1];
    if (id === undefined) fail('Custom emoji URL must have an emoji identifier');
    close(open, { custom_emoji_id: id });
  } else if (url !== '') {
    close(open, { url: url ?? '' });
  }
  return i;
}
