import { describe, expect, it } from 'vitest';
import { toCurl } from './to-curl.js';

describe('toCurl', () => {
  it('keeps a readable command for people when exact replay is not asked for', () => {
    expect(
      toCurl(
        {
          method: 'POST',
          url: 'https://a.io/x',
          headers: [['Content-Type', 'application/json']],
          body: '{"a":1}',
        },
        { exact: false },
      ),
    ).toBe(`curl -H 'Content-Type: application/json' --data-raw '{"a":1}' https://a.io/x`);
    expect(toCurl({ url: 'https://a.io/[x]/../y' }, { exact: false })).toBe(
      `curl --globoff --path-as-is 'https://a.io/[x]/../y'`,
    );
  });

  it('says before it runs when the body was cut, without changing the request', () => {
    const command = toCurl(
      { method: 'POST', url: 'https://a.io', body: 'x'.repeat(100) },
      { maxBodyBytes: 10 },
    );
    expect(command.startsWith(`: 'offpath: body cut to its first 10 of 100 bytes'; curl `)).toBe(true);
  });

  it('adds --compressed when the request asked for compression, and lays out one argument per line on request', () => {
    expect(toCurl({ url: 'https://a.io', headers: [['Accept-Encoding', 'gzip, br']] })).toContain(
      '--compressed',
    );
    expect(toCurl({ url: 'https://a.io' }, { multiline: true }).split('\n').length).toBeGreaterThan(3);
  });
});
