import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../../test/helpers/cleanups.js';
import { jsonReply } from './reply.js';
import { RouteTable } from './route-table.js';
import { ServiceServer } from './service-server.js';
import { TokenSet } from './token-set.js';

const TOKEN = 'a-token-of-enough-length';

async function server(host = '127.0.0.1', tokens = [TOKEN]): Promise<ServiceServer> {
  const s = new ServiceServer({
    host,
    port: 0,
    tokens: new TokenSet(tokens),
    maxBodyBytes: 1_000,
    headersTimeoutMs: 2_000,
    requestTimeoutMs: 5_000,
    keepAliveTimeoutMs: 1_000,
    maxConnections: 50,
  });
  onCleanup(() => s.close());
  return s;
}

describe('ServiceServer', () => {
  it('refuses to bind a non-loopback address without tokens', async () => {
    await expect(server('0.0.0.0', [])).rejects.toThrow(/without tokens/);
    await expect(server('0.0.0.0', [TOKEN])).resolves.toBeInstanceOf(ServiceServer);
  });

  it('answers a request that arrives while draining with 503 and Retry-After, and still answers /healthz', async () => {
    const s = await server();
    s.routes.add({
      method: 'POST',
      path: '/work',
      access: 'public',
      handler: () => jsonReply(200, { ok: true }),
    });
    s.routes.add({ method: 'GET', path: '/healthz', access: 'public', handler: () => jsonReply(200, {}) });
    const url = new URL(await s.listen());
    // A connection already sending its headers is not idle: draining cannot close it, only refuse it.
    const socket = connect(Number(url.port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
    });
    socket.write('POST /work HTTP/1.1\r\nHost: x\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const draining = s.drain(1_000);
    socket.write('Content-Length: 0\r\n\r\n');
    await draining;
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 503/);
    expect(answer.toLowerCase()).toContain('retry-after: 5');
    expect(s.draining).toBe(true);
  });

  it('checks bearer tokens per route and answers 404 and 405 with Allow', async () => {
    const s = await server();
    s.routes.add({ method: 'POST', path: '/private', access: 'token', handler: () => jsonReply(200, {}) });
    const url = await s.listen();
    expect((await fetch(`${url}/private`, { method: 'POST' })).status).toBe(401);
    expect(
      (await fetch(`${url}/private`, { method: 'POST', headers: { authorization: 'bearer wrong' } })).status,
    ).toBe(401);
    expect(
      (await fetch(`${url}/private`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } }))
        .status,
    ).toBe(200);
    const wrong = await fetch(`${url}/private`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });
});

describe('RouteTable', () => {
  it('prefers exact paths, then the longest prefix, and refuses duplicates', () => {
    const table = new RouteTable();
    const h = () => jsonReply(200, {});
    table.add({ method: 'GET', path: '/proxy/', prefix: true, access: 'token', handler: h });
    table.add({ method: 'GET', path: '/proxy/api/', prefix: true, access: 'token', handler: h });
    table.add({ method: 'GET', path: '/proxy/status', access: 'public', handler: h });
    expect(table.match('GET', '/proxy/status')).toMatchObject({ path: '/proxy/status' });
    expect(table.match('GET', '/proxy/api/x')).toMatchObject({ path: '/proxy/api/' });
    expect(table.match('GET', '/proxy/other')).toMatchObject({ path: '/proxy/' });
    expect(table.match('POST', '/proxy/other')).toEqual({ allowed: ['GET'] });
    expect(() => table.add({ method: 'GET', path: '/proxy/status', access: 'public', handler: h })).toThrow(
      /already taken/,
    );
  });
});

describe('TokenSet', () => {
  it('matches only whole tokens, whatever their length', () => {
    const tokens = new TokenSet([TOKEN, 'another-token-0123456789']);
    expect(tokens.matches(TOKEN)).toBe(true);
    expect(tokens.matches(`${TOKEN}x`)).toBe(false);
    expect(tokens.matches(TOKEN.slice(0, -1))).toBe(false);
    expect(tokens.matches('')).toBe(false);
    expect(tokens.authorizes(`Bearer ${TOKEN}`)).toBe(true);
    expect(tokens.authorizes(`Basic ${TOKEN}`)).toBe(false);
  });
});
