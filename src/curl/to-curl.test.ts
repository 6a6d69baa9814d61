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

  it('adds --compressed when the request asked for compression', () => {
    expect(toCurl({ url: 'https://a.io', headers: [['Accept-Encoding', 'gzip, br']] })).toContain(
      '--compressed',
    );
  });

  it('lays out one option per line, each with its value, on request', () => {
    const request = {
      method: 'PUT',
      url: 'https://a.io/x',
      headers: [['X-Trace', 'a b'] as const, ['Accept', '*/*'] as const],
      body: 'line 1\nline 2',
    };
    const multiline = toCurl(request, { multiline: true });
    expect(multiline.split(' \\\n  ')).toEqual([
      'curl',
      '--globoff',
      '--path-as-is',
      '-X PUT',
      '-H User-Agent:',
      '-H Content-Type:',
      '-H Expect:',
      "-H 'X-Trace: a b'",
      "-H 'Accept: */*'",
      "--data-raw 'line 1\nline 2'",
      'https://a.io/x',
    ]);
    // The same words as the one-line form, only laid out differently.
    expect(multiline.replaceAll(' \\\n  ', ' ')).toBe(toCurl(request));
  });

  it('keeps the whole body when told never to cut', () => {
    const body = 'y'.repeat(100_000);
    const command = toCurl({ method: 'POST', url: 'https://a.io', body }, { maxBodyBytes: Infinity });
    expect(command.startsWith('curl ')).toBe(true);
    expect(command).toContain(`--data-raw ${body} `);
  });
});
