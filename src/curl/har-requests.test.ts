import { describe, expect, it } from 'vitest';
import { harToCurlRequests } from './har-requests.js';

const entry = (request: object) => ({ log: { entries: [{ request }] } });

describe('HAR input', () => {
  it('reads entries, dropping HTTP/2 pseudo-headers and decoding base64 post data', () => {
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

  it('rebuilds a URL-encoded form from postData.params when there is no text', () => {
    const [post] = harToCurlRequests(
      entry({
        method: 'POST',
        url: 'https://a.io/login',
        headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
        postData: {
          mimeType: 'application/x-www-form-urlencoded',
          params: [
            { name: 'user', value: 'ann lee' },
            { name: 'next', value: '/a?b=c&d' },
          ],
        },
      }),
    );
    expect(post?.body).toBe('user=ann+lee&next=%2Fa%3Fb%3Dc%26d');
  });

  it('rebuilds a multipart form from postData.params with the boundary of the Content-Type', () => {
    const [post] = harToCurlRequests(
      entry({
        method: 'POST',
        url: 'https://a.io/upload',
        headers: [{ name: 'content-type', value: 'multipart/form-data; boundary=XyZ' }],
        postData: {
          mimeType: 'multipart/form-data',
          params: [
            { name: 'title', value: 'Q3' },
            { name: 'file', fileName: 'r.csv', contentType: 'text/csv', value: 'a,b\n1,2' },
          ],
        },
      }),
    );
    expect(post?.body).toBe(
      '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nQ3\r\n' +
        '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\na,b\n1,2\r\n' +
        '--XyZ--\r\n',
    );
    expect(() =>
      harToCurlRequests(
        entry({
          url: 'https://a.io',
          method: 'POST',
          postData: { mimeType: 'multipart/form-data', params: [] },
        }),
      ),
    ).toThrow(
      'log.entries[0].request.postData.params: a multipart form without a boundary cannot be rebuilt',
    );
  });

  it('prefers postData.text over params, and names an entry with a bad URL', () => {
    const [post] = harToCurlRequests(
      entry({
        method: 'POST',
        url: 'https://a.io',
        postData: { text: 'raw', params: [{ name: 'x', value: 'y' }] },
      }),
    );
    expect(post?.body).toBe('raw');
    expect(() => harToCurlRequests(entry({ method: 'GET', url: '/relative' }))).toThrow(
      'log.entries[0].request.url: not a valid absolute URL: "/relative"',
    );
  });
});
