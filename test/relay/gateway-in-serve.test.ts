import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate-config.js';
import { startRelay } from '../../src/relay/start-relay.js';
import { upstream } from '../helpers/gateway-harness.js';
import { startTestRelay, TOKEN, waitFor } from '../helpers/relay.js';

const CLIENT = { authorization: 'Bearer client-token-abcdef0123456789' };
const UPSTREAM_KEY = 'sk-serve-upstream-key-123456';

describe('offpath serve with proxies', () => {
  it('proxies beside the relay API, counts stalled streams on /metrics, shows the breaker on the status page', async () => {
    const up = await upstream((req, res) => {
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        return;
      }
      if (req.url === '/fail') return void res.writeHead(500).end('down');
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ auth: req.headers.authorization }));
    });
    const { relay, collector, post } = await startTestRelay({
      proxies: [
        {
          path: '/llm',
          target: up.url,
          headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
          auth: ['client-token-abcdef0123456789'],
          inactivityTimeoutMs: 300,
          breaker: 'strict',
          retry: 'noRetry',
        },
      ],
    });
    const ok = await fetch(`${relay.url}/llm/v1/models`, { headers: CLIENT });
    expect(await ok.json()).toEqual({ auth: `Bearer ${UPSTREAM_KEY}` });
    expect((await fetch(`${relay.url}/llm/v1/models`)).status).toBe(401);
    const stalled = await (await fetch(`${relay.url}/llm/stall`, { headers: CLIENT })).text();
    expect(stalled).toContain('event: error');
    for (let i = 0; i < 3; i++)
      expect((await fetch(`${relay.url}/llm/fail`, { headers: CLIENT })).status).toBe(500);
    const refused = await fetch(`${relay.url}/llm/fail`, { headers: CLIENT });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    // The relay's own API still answers beside the proxies.
    expect((await post('/v1/events', JSON.stringify({ title: 'hello' }))).status).toBe(202);

    const metrics = await (
      await fetch(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/offpath_gateway_stream_inactivity_total\{proxy="llm"\} 1\n/);
    expect(metrics).toMatch(/offpath_gateway_breaker_state\{proxy="llm",state="open"\} 1\n/);
    expect(metrics).toMatch(/offpath_gateway_responses_total\{proxy="llm",status_class="5xx"\} 4\n/);
    expect(metrics).toMatch(/offpath_http_requests_total\{route="gateway",method="GET",status="503"\} 1\n/);
    expect(metrics).not.toContain(UPSTREAM_KEY);

    const page = await (
      await fetch(`${relay.url}/status`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(page).toMatch(/<tr data-proxy="llm">[\s\S]*?<span class="pill open">open<\/span>/);

    // The failed exchanges are traced to the relay's destination, without the key.
    await waitFor(
      () => collector.items().filter((i) => JSON.stringify(i).includes('gateway')).length >= 6,
      10_000,
      'traces',
    );
    expect(JSON.stringify(collector.items())).not.toContain(UPSTREAM_KEY);
  });

  it('refuses proxies without client tokens on a public address, naming the proxy', async () => {
    const config = validateConfig({
      destinations: [{ name: 'c', type: 'console' }],
      server: { host: '0.0.0.0', port: 0, tokens: ['relay-token-0123456789abcdef'] },
      proxies: [
        { path: '/a', target: 'http://127.0.0.1:9', auth: ['client-token-abcdef0123456789'] },
        { path: '/b', target: 'http://127.0.0.1:9' },
      ],
    });
    await expect(startRelay({ config })).rejects.toThrow(/proxies\[1\]\.auth/);
  });
});
