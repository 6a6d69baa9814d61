import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CurlRequest, toCurl } from '../../src/curl/to-curl.js';
import { optionalTool } from '../helpers/system-tool.js';

const run = promisify(execFile);

interface Seen {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

let base = '';
let server: ReturnType<typeof createServer>;
const seen = new Map<string, Seen>();

// bash and curl replay every command; zsh, when installed, replays the hostile set as well.
const curl = optionalTool('curl', 'apt-get install -y curl');
const zsh = optionalTool('zsh', 'apt-get install -y zsh');
const shells = ['/bin/bash', ...(zsh === undefined ? [] : [zsh])];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Array<[string, string]> = [];
      // Node reads header bytes as latin1; get the bytes back and read them as UTF-8.
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        headers.push([req.rawHeaders[i]!, Buffer.from(req.rawHeaders[i + 1]!, 'latin1').toString('utf8')]);
      const id = headers.find(([n]) => n.toLowerCase() === 'x-case')?.[1] ?? '';
      seen.set(id, { method: req.method!, url: req.url!, headers, body: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let counter = 0;
/** Runs the command in a shell and returns what the server received. */
async function replay(
  shell: string,
  request: Omit<CurlRequest, 'url'> & { path: string },
  multiline = false,
): Promise<Seen> {
  const id = `c${++counter}`;
  const headers: Array<[string, string]> = [
    ['X-Case', id],
    ...((request.headers as Array<[string, string]>) ?? []),
  ];
  const command = toCurl(
    { ...request, url: `${base}${request.path}`, headers },
    { multiline, maxBodyBytes: 1_000_000 },
  );
  await run(shell, ['-c', `${command} -s -o /dev/null`], { maxBuffer: 10_000_000 });
  const got = seen.get(id);
  if (!got) throw new Error(`server saw nothing for ${command.slice(0, 300)}`);
  return got;
}

const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const hostile: Array<{
  name: string;
  method?: string;
  path: string;
  headers?: Array<[string, string]>;
  body?: string | Uint8Array;
}> = [
  { name: 'plain GET', path: '/a?b=c' },
  {
    name: '$HOME and $(cmd) and backticks in body',
    method: 'POST',
    path: '/x',
    body: 'home=$HOME; run=$(touch /tmp/offpath-pwned-1); tick=`touch /tmp/offpath-pwned-2`',
  },
  {
    name: 'quotes mixed',
    method: 'POST',
    path: '/q',
    headers: [['X-Q', `it's "quoted" \\ back`]],
    body: `'"'"'"`,
  },
  { name: 'history bang', method: 'POST', path: '/bang', body: 'echo !! and !$ and !-1' },
  { name: 'newlines and CR', method: 'POST', path: '/nl', body: 'line1\nline2\r\nline3\n' },
  { name: 'all 256 bytes', method: 'POST', path: '/bin', body: binary },
  { name: 'NUL only', method: 'PUT', path: '/nul', body: Buffer.from([0, 0, 1, 0]) },
  {
    name: 'binary starting with a dash',
    method: 'POST',
    path: '/dash-bin',
    body: Buffer.from([0x2d, 0x00, 0x2d]),
  },
  { name: 'body starts with @', method: 'POST', path: '/at', body: '@/etc/passwd' },
  { name: 'body is -d', method: 'POST', path: '/dash', body: '-d' },
  {
    name: 'empty header value and duplicates',
    path: '/h',
    headers: [
      ['X-Empty', ''],
      ['X-Dup', '1'],
      ['X-Dup', '2'],
      ['X-Colon', 'a:b:c'],
    ],
  },
  {
    name: 'unicode and emoji',
    method: 'POST',
    path: '/u/%E2%9C%93',
    headers: [['X-Name', 'Zoë 🚀']],
    body: 'naïve café 日本語 🚀',
  },
  { name: 'brackets and braces in URL', path: '/p/[1]/{x}?a[]=1&b={2}' },
  { name: 'percent and hash-like', path: '/p%00x?x=%25&y=%23' },
  { name: 'dot segments kept', path: '/a/../b/./c' },
  { name: 'HEAD', method: 'HEAD', path: '/head' },
  { name: 'OPTIONS', method: 'OPTIONS', path: '/opt' },
  { name: 'custom method', method: 'PROPFIND', path: '/dav', body: '<propfind/>' },
  { name: 'GET with a body', method: 'GET', path: '/get-body', body: 'payload' },
  { name: 'POST without a body', method: 'POST', path: '/empty' },
  { name: 'Host override', path: '/host', headers: [['Host', 'api.example.com']] },
  { name: 'glob characters in body', method: 'POST', path: '/glob', body: '* ? [a-z] ~ {a,b}' },
  {
    name: 'semicolons pipes and redirects',
    method: 'POST',
    path: '/meta',
    body: 'a; b | c > /tmp/offpath-pwned-3 && d',
  },
  { name: 'large body', method: 'POST', path: '/large', body: 'x'.repeat(100_000) },
  { name: 'header with single quote', path: '/hq', headers: [['Authorization', "Bearer a'b"]] },
  { name: 'tabs and control chars in body', method: 'POST', path: '/ctl', body: 'a\tb\u0001c\u001bd' },
  {
    name: 'content type kept',
    method: 'POST',
    path: '/json',
    headers: [['Content-Type', 'application/json']],
    body: '{"a":1}',
  },
  {
    name: 'user agent kept',
    path: '/ua',
    headers: [
      ['User-Agent', 'my-app/1.0'],
      ['Accept', '*/*'],
    ],
  },
  { name: 'invalid UTF-8', method: 'POST', path: '/bad-utf8', body: Buffer.from([0xff, 0xfe, 0x41, 0xc3]) },
];

function expected(c: (typeof hostile)[number], shellSeen: Seen): void {
  const method = (c.method ?? 'GET').toUpperCase();
  expect(shellSeen.method).toBe(method);
  expect(shellSeen.url).toBe(c.path);
  const sent = shellSeen.headers.filter(([n]) => !/^(x-case|content-length|host)$/i.test(n));
  const wanted = (c.headers ?? []).filter(([n]) => !/^host$/i.test(n));
  expect(sent).toEqual(wanted);
  const host = c.headers?.find(([n]) => n === 'Host');
  if (host) expect(shellSeen.headers.find(([n]) => n.toLowerCase() === 'host')?.[1]).toBe(host[1]);
  const body = c.body === undefined ? Buffer.alloc(0) : Buffer.from(c.body);
  expect(method === 'HEAD' ? Buffer.alloc(0) : shellSeen.body).toEqual(
    method === 'HEAD' ? Buffer.alloc(0) : body,
  );
}

describe.runIf(curl !== undefined)('toCurl, replayed by real shells and the real curl', () => {
  for (const shell of shells) {
    it(`${shell}: every hostile request arrives byte for byte, and nothing is expanded or run`, async () => {
      for (const f of ['/tmp/offpath-pwned-1', '/tmp/offpath-pwned-2', '/tmp/offpath-pwned-3'])
        rmSync(f, { force: true });
      for (const c of hostile) {
        const got = await replay(shell, c);
        expected(c, got);
      }
      for (const f of ['/tmp/offpath-pwned-1', '/tmp/offpath-pwned-2', '/tmp/offpath-pwned-3'])
        expect(existsSync(f)).toBe(false);
    }, 60_000);
  }

  it('multi-line commands replay the same', async () => {
    const c = hostile[1]!;
    expected(c, await replay('/bin/bash', c, true));
  });

  it('random legal requests arrive byte for byte (property)', async () => {
    const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
    const headerValue = fc
      .string({
        unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        maxLength: 40,
      })
      .map((v) => v.trim());
    const pathChar = fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@%[]{}".split(''));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        fc.array(pathChar, { maxLength: 20 }).map((cs) => `/r/${cs.join('').replace(/%/g, '%25')}`),
        fc.array(
          fc.tuple(
            token.map((t) => `X-${t}`),
            headerValue,
          ),
          { maxLength: 4 },
        ),
        fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
        async (method, path, headers, body) => {
          const c = {
            name: 'random',
            method,
            path,
            headers: headers as Array<[string, string]>,
            ...(body ? { body } : {}),
          };
          expected(c, await replay('/bin/bash', c));
        },
      ),
      { numRuns: Number(process.env['CURL_RUNS'] ?? 40) },
    );
  }, 120_000);
});
