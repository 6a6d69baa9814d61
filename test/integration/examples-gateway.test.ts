import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = async (example: string): Promise<string> => {
  const path = fileURLToPath(new URL(`../../examples/${example}`, import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path], {
    timeout: 60_000,
  });
  return stdout;
};

describe('gateway and server examples', () => {
  it('llm-gateway: streams, cuts a stalled stream with an error event, traces without credentials', async () => {
    const out = await run('gateway/llm-gateway.ts');
    expect(out).toContain('streamed: "Off the request path."');
    expect(out).toMatch(/stalled stream ended with: event: error \| data: \{"error":"stream_inactivity"/);
    expect(out).toMatch(/trace: info openai: POST \/v1\/chat\/completions → 200\n/);
    expect(out).toMatch(/trace: error openai: POST .*stall=1 → 200 \(stream-inactivity\)/);
    expect(out).toContain('provider key in traces: false, client token in traces: false');
  }, 60_000);

  it('express: the failed request, its outgoing call, its log and its report share one request id', async () => {
    const out = await run('server/express-app.ts');
    expect(out).toContain('POST /orders/42/pay → 500');
    expect(out).toContain('4 events, request ids: order-42-attempt-1');
    const traceparents = new Set([...out.matchAll(/traceparent=(\S+)/g)].map((m) => m[1]));
    expect(traceparents.size).toBe(1);
  }, 60_000);

  it('fastify: the incoming trace continues in the outgoing call and the log line', async () => {
    const out = await run('server/fastify-app.ts');
    expect(out).toContain('GET /products/7 → 502');
    const lines = out.split('\n').filter((l) => l.includes('trace_id=4bf92f3577b34da6a3ce929d0e0e4736'));
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['http', 'server', 'log']);
    expect(new Set(lines.map((l) => /requestId=(\S+)/.exec(l)?.[1])).size).toBe(1);
  }, 60_000);
});
