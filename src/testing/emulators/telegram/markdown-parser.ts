/**
 * A checker for Telegram's legacy `Markdown` parse mode: `*bold*`, `_italic_`, `` `code` ``,
 * ```` ```pre``` ```` and `[text](url)`, no nesting, `\` escapes `_ * ` [` outside entities.
 * An unclosed entity fails with `Can't find end of the entity starting at byte offset N`, the text
 * users report from the Bot API.
 * @module
 */
import { byteOffset, type MessageEntity, type ParsedText } from './entities.js';

const ENDS: Readonly<Record<string, { end: string; type: string }>> = {
  '*': { end: '*', type: 'bold' },
  _: { end: '_', type: 'italic' },
  '`': { end: '`', type: 'code' },
  '```': { end: '```', type: 'pre' },
  '[': { end: ']', type: 'text_link' },
};

/**
 * Parses `text` as legacy Markdown.
 * @example
 * parseTelegramMarkdown('*bold* text'); // { ok: true, text: 'bold text', entities: [{ type: 'bold', offset: 0, length: 4 }] }
 */
export function parseTelegramMarkdown(text: string): ParsedText {
  const entities: MessageEntity[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\\' && '_*`['.includes(text[i + 1] ?? '\0')) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    const marker = text.startsWith('```', i) ? '```' : c;
    const rule = ENDS[marker];
    if (!rule) {
      out += c;
      i++;
      continue;
    }
    const start = i;
    const bodyStart = i + marker.length;
    const end = text.indexOf(rule.end, bodyStart);
    if (end < 0)
      return {
        ok: false,
        error: `Can't find end of the entity starting at byte offset ${byteOffset(text, start)}`,
      };
    const body = text.slice(bodyStart, end);
    i = end + rule.end.length;
    let url: string | undefined;
    if (marker === '[' && text[i] === '(') {
      const close = text.indexOf(')', i);
      if (close < 0)
        return {
          ok: false,
          error: `Can't find end of the entity starting at byte offset ${byteOffset(text, start)}`,
        };
      url = text.slice(i + 1, close);
      i = close + 1;
    }
    const offset = out.length;
    out += body;
    if (body.length > 0 && (marker !== '[' || url)) {
      entities.push({ type: rule.type, offset, length: body.length, ...(url ? { url } : {}) });
    }
  }
  return { ok: true, text: out, entities };
}
