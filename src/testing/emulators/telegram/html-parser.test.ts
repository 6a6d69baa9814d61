import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from './html-parser.js';

const error = (text: string, strictAmpersand = true) => {
  const r = parseTelegramHtml(text, { strictAmpersand });
  return r.ok ? undefined : r.error;
};

describe('parseTelegramHtml', () => {
  it('turns supported tags into entities with UTF-16 offsets', () => {
    expect(parseTelegramHtml('➡️ ➡️<i>➡️ ➡️</i><b>x</b>')).toEqual({
      ok: true,
      text: '➡️ ➡️➡️ ➡️x',
      entities: [
        { type: 'italic', offset: 5, length: 5 },
        { type: 'bold', offset: 10, length: 1 },
      ],
    });
  });

  it.each([
    ['<strong>a</strong>', 'bold'],
    ['<em>a</em>', 'italic'],
    ['<u>a</u>', 'underline'],
    ['<ins>a</ins>', 'underline'],
    ['<s>a</s>', 'strikethrough'],
    ['<strike>a</strike>', 'strikethrough'],
    ['<del>a</del>', 'strikethrough'],
    ['<tg-spoiler>a</tg-spoiler>', 'spoiler'],
    ['<span class="tg-spoiler">a</span>', 'spoiler'],
    ['<code>a</code>', 'code'],
    ['<pre>a</pre>', 'pre'],
    ['<blockquote>a</blockquote>', 'blockquote'],
    ['<blockquote expandable>a</blockquote>', 'expandable_blockquote'],
    ['<tg-time unix="1700000000" format="r">a</tg-time>', 'date_time'],
  ])('accepts %s', (html, type) => {
    expect(parseTelegramHtml(html)).toEqual({
      ok: true,
      text: 'a',
      entities: [{ type, offset: 0, length: 1 }],
    });
  });

  it('reads links, languages of pre>code and custom emoji', () => {
    expect(parseTelegramHtml('<a href="https://e.x/?a=1&amp;b=2">l</a>')).toMatchObject({
      entities: [{ type: 'text_link', url: 'https://e.x/?a=1&b=2' }],
    });
    expect(parseTelegramHtml('<pre><code class="language-bash">curl</code></pre>')).toEqual({
      ok: true,
      text: 'curl',
      entities: [{ type: 'pre', offset: 0, length: 4, language: 'bash' }],
    });
    expect(parseTelegramHtml('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>')).toMatchObject({
      entities: [{ type: 'custom_emoji', custom_emoji_id: '5368324170671202286' }],
    });
    expect(error('<tg-emoji emoji-id="x">👍</tg-emoji>')).toBe('Invalid custom emoji identifier specified');
  });

  it('decodes &lt; &gt; &amp; &quot; and numeric entities', () => {
    expect(parseTelegramHtml('&lt;b&gt; &amp; &quot;q&quot; &#65;&#x42;&#128512;')).toMatchObject({
      text: '<b> & "q" AB😀',
    });
  });

  // Expected texts and offsets are TDLib's own (test/message_entities.cpp); 🏟 is 4 bytes in UTF-8.
  it.each([
    ['🏟 🏟&lt;<abacaba', 'Unclosed start tag at byte offset 13'],
    ['🏟 🏟&lt;<abac aba>', 'Unsupported start tag "abac" at byte offset 13'],
    ['🏟 🏟&lt;<i   =aba>', 'Empty attribute name in the tag "i" at byte offset 13'],
    [
      '🏟 🏟&lt;<i    aba>',
      'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13',
    ],
    ['🏟 🏟&lt;<i    aba  =  ', 'Unclosed start tag "i" at byte offset 13'],
    ['🏟 🏟&lt;<i    aba  =  190azAz-.,', 'Unexpected end of name token at byte offset 27'],
    ['🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', 'Unclosed start tag at byte offset 13'],
    ['🏟 🏟&lt;</', 'Unexpected end tag at byte offset 13'],
    ['🏟 🏟&lt;<b></b></', 'Unexpected end tag at byte offset 20'],
    ['🏟 🏟&lt;<i>a</i   ', 'Unclosed end tag at byte offset 17'],
    ['🏟 🏟&lt;<i>a</em   >', 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'],
    [
      '&#57311;',
      'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
    ],
  ])('rejects %j like TDLib', (html, message) => {
    expect(error(html)).toBe(message);
  });

  it('reports UTF-8 byte offsets of an unescaped "<" after multi-byte text', () => {
    // 'Ошибка' is 6 two-byte letters: 12 + ': a ' = 16.
    expect(error('Ошибка: a < b')).toBe('Unsupported start tag "" at byte offset 16');
    expect(error('€ <user@example.com>')).toBe('Unsupported start tag "user@example.com" at byte offset 4');
  });

  it('requires end tags and the tg-spoiler class on span', () => {
    expect(error('<b>bold')).toBe(`Can't find end tag corresponding to start tag "b"`);
    expect(error('x<span>y</span>')).toBe('Tag "span" must have class "tg-spoiler" at byte offset 1');
  });

  it('closes any tag with </> and ignores unknown attributes, as TDLib does', () => {
    expect(parseTelegramHtml('<b data-x="1">a</>')).toEqual({
      ok: true,
      text: 'a',
      entities: [{ type: 'bold', offset: 0, length: 1 }],
    });
  });

  it('rejects a bare "&" by default and keeps it as text when not strict', () => {
    expect(error('AT&T é & co')).toBe('Unescaped "&" at byte offset 2: write it as "&amp;"');
    expect(error('tom &amp; jerry &hellip;')).toBe('Unescaped "&" at byte offset 16: write it as "&amp;"');
    expect(parseTelegramHtml('AT&T &hellip;', { strictAmpersand: false })).toEqual({
      ok: true,
      text: 'AT&T &hellip;',
      entities: [],
    });
  });
});
