import { describe, expect, it } from 'vitest';
import { ConfigError } from '../resilience/errors.js';
import { harToCurlRequests, parseCurlInput } from './parse-input.js';

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
      expect((error as ConfigError).issues).toEqual([
        'input.url: required, a string (the full URL)',
        'input.method: must be an HTTP method such as GET or POST',
        'input: give "body" or "bodyBase64", not both',
        'input.headers.A: expected a string or a list of strings',
      ]);
    }
    expect(() => parseCurlInput('not json')).toThrow(/not valid JSON/);
  });

  it('reads HAR entries, dropping HTTP/2 pseudo-headers and decoding base64 post data', () => {
    const har = {
      log: {
        entries: [
          {
            request: {
              method: 'GET',
              url: 'https://a.io/x',
              headers: [
                { name: ':authority', value: 'a.io' },
                { name: 'Accept', value: '*/*' },
              ],
            },
          },
          {
            request: {
              method: 'POST',
              url: 'https://a.io/y',
              headers: [],
              postData: { text: 'AAE=', encoding: 'base64' },
            },
          },
        ],
      },
    };
    const [get, post] = harToCurlRequests(har);
    expect(get).toEqual({ url: 'https://a.io/x', method: 'GET', headers: [['Accept', '*/*']] });
    expect(post?.body).toEqual(Buffer.from([0, 1]));
    expect(() => harToCurlRequests({})).toThrow(/log/);
  });
});
