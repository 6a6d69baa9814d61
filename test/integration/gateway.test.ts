import { describe, expect, it } from 'vitest';
import { reconciles } from '../../src/pipeline/ledger.js';
import { startDiscordEmulator } from '../../src/testing/index.js';
import { track } from '../helpers/cleanups.js';
import { gateway, send, upstream } from '../helpers/gateway-harness.js';
import { waitFor } from '../helpers/http-server.js';

const CLIENT_TOKEN = 'client-token-9f8e7d6c5b4a';
const UPSTREAM_KEY = 'sk-upstream-key-0123456789abcdef';

/** An upstream that answers with what it received, and echoes both credentials back (the worst case). */
function echo() {
  return upstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.stringify({
        method: req.method,
        url: req.url,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(
        req.url?.includes('fail') ? 500 : 200,
        [
          ['content-type', 'application/json'],
          ['connection', 'keep-alive, x-upstream-hop'],
          ['x-upstream-hop', 'must not pass'],
          ['keep-alive', 'timeout=5'],
          ['x-end-to-end', 'kept'],
          ['set-cookie', 'a=1'],
          ['set-cookie', 'b=2'],
          ['x-echo-key', `key was ${req.headers.authorization}`],
        ].flat(),
      );
      res.end(body);
    });
  });
}

const pairs = (raw: readonly string[]) => {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  return out;
};

describe('gateway: forwarding', () => {
  it('forwards method, path, query and body, drops hop-by-hop headers both ways and adds the forwarding ones', async () => {
    const up = await echo();
    const { url } = await gateway([{ path: '/api', target: `${up.url}/base`, capture: { status: ['2xx'] } }]);
    const reply = await send(`${url}/api/items/7?q=a%20b&x=1`, {
      method: 'PATCH',
      headers: [
        'Host',
        'client.example:8080',
        'Connection',
        'keep-alive, X-Hop-Listed',
        'X-Hop-Listed',
        'gone',
        'Keep-Alive',
        'timeout=9',
        'Proxy-Connection',
        'keep-alive',
        'TE',
        'trailers',
        'Upgrade',
        'h2c',
        'Proxy-Authorization',
        'Basic abc',
        'X-Forwarded-For',
        '203.0.113.9',
        'Forwarded',
        'for=203.0.113.9',
        'X-Custom',
        'one',
        'X-Custom',
        'two',
        'Content-Type',
        'text/plain',
        'Content-Length',
        '5',
      ],
      body: 'hello',
    });
    expect(reply.status).toBe(200);
    const seen = JSON.parse(reply.body.toString());
    expect(seen).toMatchObject({ method: 'PATCH', url: '/base/items/7?q=a%20b&x=1', body: 'hello' });
    const upstreamHeaders = pairs(seen.rawHeaders);
    const names = upstreamHeaders.map(([n]) => n);
    for (const hop of [
      'x-hop-listed',
      'keep-alive',
      'proxy-connection',
      'te',
      'upgrade',
      'proxy-authorization',
    ]) {
      expect(names).not.toContain(hop);
    }
    expect(upstreamHeaders.filter(([n]) => n === 'x-custom')).toEqual([
      ['x-custom', 'one'],
      ['x-custom', 'two'],
    ]);
    const get = (name: string) => upstreamHeaders.find(([n]) => n === name)?.[1];
    expect(get('host')).toBe(new URL(up.url).host);
    expect(get('x-forwarded-for')).toBe('203.0.113.9, 127.0.0.1');
    expect(get('x-forwarded-host')).toBe('client.example:8080');
    expect(get('x-forwarded-proto')).toBe('http');
    expect(get('forwarded')).toBe('for=203.0.113.9, for=127.0.0.1;host="client.example:8080";proto=http');
    expect(get('content-length')).toBe('5');
    // Response: hop-by-hop fields of the upstream stop at the proxy, end-to-end ones pass in order.
    const back = pairs(reply.rawHeaders);
    expect(back.map(([n]) => n)).not.toContain('x-upstream-hop');
    expect(back.filter(([n]) => n === 'set-cookie')).toEqual([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    expect(reply.headers['x-end-to-end']).toBe('kept');
    expect(reply.headers['x-offpath-request-id']).toMatch(/^[0-9a-f]{8}-\w+$/);
  });

  it('answers 404 for paths no proxy serves, and picks the longest matching prefix', async () => {
    const a = await echo();
    const b = await echo();
    const { url, running } = await gateway([
      { path: '/v1', target: a.url },
      { path: '/v1/special', target: b.url },
    ]);
    expect((await send(`${url}/v1/special/x`)).status).toBe(200);
    expect((await send(`${url}/v1/other`)).status).toBe(200);
    expect((await send(`${url}/v1x`)).status).toBe(404);
    expect((await send(`${url}/elsewhere`)).status).toBe(404);
    expect([a.requests, b.requests]).toEqual([1, 1]);
    expect(['/v1', '/v1/x?y=1', '/v1?q', '/v1x', '/'].map((u) => running.gateway.matches(u))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('gateway: credentials', () => {
  it('never forwards the client token upstream, never shows the upstream key to the client or in a trace', async () => {
    const up = await echo();
    const { url, offpath, sink } = await gateway([
      {
        path: '/llm',
        target: up.url,
        auth: [CLIENT_TOKEN],
        headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
        capture: { status: ['2xx', '4xx', '5xx'] },
      },
    ]);
    expect((await send(`${url}/llm/chat`)).status).toBe(401);
    expect(
      (await send(`${url}/llm/chat`, { headers: { authorization: 'Bearer wrong-token-1234567' } })).status,
    ).toBe(401);
    for (const path of ['/llm/chat', '/llm/fail']) {
      const reply = await send(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: `my token is ${CLIENT_TOKEN}` }),
      });
      expect(reply.status).toBe(path.endsWith('fail') ? 500 : 200);
      const seen = JSON.parse(reply.body.toString());
      const authorization = pairs(seen.rawHeaders).filter(([n]) => n === 'authorization');
      // Upstream: only the proxy's key, never the client's token.
      expect(authorization).toEqual([['authorization', `Bearer ${UPSTREAM_KEY}`]]);
      // Client: the upstream echoed the key in a header; it does not get through.
      expect(JSON.stringify(reply.headers)).not.toContain(UPSTREAM_KEY);
      expect(reply.headers['x-echo-key']).toBe('key was [REDACTED:proxy-credential]');
    }
    await offpath.flush();
    expect(sink.records).toHaveLength(4);
    const traces = JSON.stringify(sink.records);
    expect(traces).not.toContain(UPSTREAM_KEY);
    expect(traces).not.toContain(CLIENT_TOKEN);
    expect(traces).not.toContain('wrong-token-1234567');
    const traced = sink.records.find((r) => r.http?.response?.status === 500)!;
    expect(traced.http?.request.headers).toContainEqual(['authorization', '[REDACTED:proxy-credential]']);
    expect(traced.fields).toMatchObject({ proxy: 'llm', outcome: 'completed', attempts: 1 });
    expect(reconciles(offpath.stats())).toBe(true);
  });

  it('delivers a trace with a safe curl command to a real chat destination', async () => {
    const up = await echo();
    const discord = await track(startDiscordEmulator());
    const [hook] = discord.webhooks();
    const { url, offpath } = await gateway(
      [
        {
          path: '/llm',
          target: up.url,
          auth: [CLIENT_TOKEN],
          headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
        },
      ],
      { config: { destinations: [{ name: 'ops', type: 'discord', url: hook!.url, noise: false }] } },
    );
    const reply = await send(`${url}/llm/fail`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'x-api-key': 'sk-client-extra-secret-998877' },
      body: '{"prompt":"hi"}',
    });
    expect(reply.status).toBe(500);
    await offpath.flush({ timeoutMs: 10_000 });
    await waitFor(() => discord.messages().length === 1, 5_000, 'the trace in Discord');
    const message = JSON.stringify(discord.messages());
    expect(message).toContain('curl');
    expect(message).toContain(`${up.url}/fail`);
    expect(message).toContain('[REDACTED:proxy-credential]');
    for (const secret of [UPSTREAM_KEY, CLIENT_TOKEN, 'sk-client-extra-secret-998877']) {
      expect(message).not.toContain(secret);
    }
  });

  it('refuses a public address unless every proxy checks tokens', async () => {
    await expect(gateway([{ target: 'http://127.0.0.1:9' }], {}).then(() => 'started')).resolves.toBe(
      'started',
    );
    const { startGateway } = await import('../../src/gateway/start-gateway.js');
    const { createOffpath } = await import('../../src/instance/create-offpath.js');
    const offpath = createOffpath({ destinations: [{ name: 'c', type: 'console' }] });
    await expect(
      startGateway({ host: '0.0.0.0', port: 0, proxies: [{ target: 'http://127.0.0.1:9' }] }, offpath),
    ).rejects.toThrow(/refusing to listen on 0.0.0.0 while \/ has no auth tokens/);
    await offpath.close();
  });
});
