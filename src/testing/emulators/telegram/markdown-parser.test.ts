import { describe, expect, it } from 'vitest';
import { parseTelegramMarkdown } from './markdown-parser.js';
import { parseTelegramMarkdownV2 } from './markdown-v2-parser.js';

const v2Error = (text: string) => {
  const r = parseTelegramMarkdownV2(text);
  return r.ok ? undefined : r.error;
};

describe('parseTelegramMarkdownV2', () => {
  it('parses nested entities with UTF-16 offsets', () => {
    expect(parseTelegramMarkdownV2('🏟 🏟_🏟 __🏟___')).toEqual({
      ok: true,
      text: '🏟 🏟🏟 🏟',
      entities: [
        { type: 'italic', offset: 5, length: 5 },
        { type: 'underline', offset: 8, length: 2 },
      ],
    });
    expect(parseTelegramMarkdownV2('*b* ~s~ ||sp|| `c` [l](https://e.x)')).toMatchObject({
      text: 'b s sp c l',
      entities: [
        { type: 'bold' },
        { type: 'strikethrough' },
        { type: 'spoiler' },
        { type: 'code' },
        { type: 'text_link', url: 'https://e.x' },
      ],
    });
  });

  it('reads pre blocks with a language and escaped characters', () => {
    expect(parseTelegramMarkdownV2('```bash\ncurl \\`x\\`\n```')).toEqual({
      ok: true,
      text: 'curl `x`\n',
      entities: [{ type: 'pre', offset: 0, length: 9, language: 'bash' }],
    });
    expect(parseTelegramMarkdownV2('1\\.5 \\- ok\\!')).toMatchObject({ text: '1.5 - ok!' });
  });

  it.each([...']()>#+-=|{}.!'])('rejects an unescaped %s', (c) => {
    expect(v2Error(`a${c}`)).toBe(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
  });

  // Expected texts and offsets are TDLib's own (test/message_entities.cpp).
  it.each([
    ['🏟 🏟_abacaba', "Can't find end of Italic entity at byte offset 9"],
    ['🏟 🏟_abac * asd ', "Can't find end of Bold entity at byte offset 15"],
    ['🏟 🏟`', "Can't find end of Code entity at byte offset 9"],
    ['🏟 🏟```a ', "Can't find end of PreCode entity at byte offset 9"],
    ['🏟 🏟```🏟 🏟`', "Can't find end of Code entity at byte offset 21"],
    ['🏟 🏟__🏟 _🏟___', "Can't find end of Italic entity at byte offset 23"],
    ['🏟 🏟||test\\|', "Can't find end of Spoiler entity at byte offset 9"],
    ['[telegram\\.org](asd\\)', "Can't find end of a URL at byte offset 16"],
    ['🏟 🏟![👍]', 'Custom emoji entity must contain a tg://emoji URL'],
    ['🏟 🏟![👍](tg://emoji?id=1234', "Can't find end of a custom emoji URL at byte offset 17"],
    ['>*b\n>ld \n>bo\nld*\nasd\ndef', "Can't find end of Bold entity at byte offset 1"],
  ])('rejects %j like TDLib', (text, message) => {
    expect(v2Error(text)).toBe(message);
  });

  it('makes a blockquote of consecutive ">" lines', () => {
    expect(parseTelegramMarkdownV2('abc\n> \n> \n>\ndef')).toEqual({
      ok: true,
      text: 'abc\n \n \n\ndef',
      entities: [{ type: 'blockquote', offset: 4, length: 5 }],
    });
  });
});

describe('parseTelegramMarkdown (legacy)', () => {
  it('parses flat entities and escapes', () => {
    expect(parseTelegramMarkdown('*b* _i_ `c` [l](https://e.x) \\*x')).toEqual({
      ok: true,
      text: 'b i c l *x',
      entities: [
        { type: 'bold', offset: 0, length: 1 },
        { type: 'italic', offset: 2, length: 1 },
        { type: 'code', offset: 4, length: 1 },
        { type: 'text_link', offset: 6, length: 1, url: 'https://e.x' },
      ],
    });
  });

  it('reports an unclosed entity with its byte offset', () => {
    expect(parseTelegramMarkdown('é snake_case')).toEqual({
      ok: false,
      error: "Can't find end of the entity starting at byte offset 8",
    });
  });
});
