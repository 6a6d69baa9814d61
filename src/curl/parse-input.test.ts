import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from '../resilience/errors.js';
import { parseCurlInput } from './parse-input.js';

describe('curl input', () => {
  it('accepts headers as an object (with repeated values) or as pairs, and base64 bodies', () => {
    expect(parseCurlInput('{"url":"https://a.io","headers":{"A":["1","2"],"B":"3"}}').headers).toEqual([
      ['A', '1'],
      ['A', '2'],
      ['B', '3'],
    ]);
    expect(parseCurlInput('{"url":"https://a.io","headers":[["A","1"],["A",""]]}').headers).toEqual([
      ['A', '1'],
      ['A', ''],
    ]);
    expect(parseCurlInput('{"url":"https://a.io","bodyBase64":"AAEC"}').body).toEqual(Buffer.from([0, 1, 2]));
  });

  it('names every problem with the field and the fix', () => {
    try {
      parseCurlInput('{"method":"G E T","headers":{"A":1},"body":"x","bodyBase64":"eA=="}');
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map(formatConfigIssue)).toEqual([
        'input.url: is required (the full URL, such as "https://api.example.com/x")',
        'input.method: must be an HTTP method such as GET or POST',
        'input: give "body" or "bodyBase64", not both',
        'input.headers.A: expected a string or a list of strings',
      ]);
    }
    expect(() => parseCurlInput('not json')).toThrow(/not valid JSON/);
  });

  it('refuses a URL that is not absolute http(s), saying what was given', () => {
    expect(() => parseCurlInput('{"url":"api.example.com/x"}')).toThrow(
      'input.url: not a valid absolute URL: "api.example.com/x" (write the scheme and host',
    );
    expect(() => parseCurlInput('{"url":"ftp://a.io/x"}')).toThrow(
      'input.url: must be an http(s) URL, got "ftp:"',
    );
  });
});
