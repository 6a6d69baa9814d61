import { describe, expect, it } from 'vitest';
import { reconciles } from '../../src/pipeline/ledger.js';
import { startTestRelay, waitFor } from '../helpers/relay.js';

describe('POST /v1/events', () => {
  it('accepts one event, an array and NDJSON, and delivers them to the collector', async () => {
    const { relay, collector, post } = await startTestRelay();
    const one = await post(
      '/v1/events',
      JSON.stringify({ level: 'error', message: 'one', fields: { n: 1 } }),
    );
    expect(one.status).toBe(202);
    expect(await one.json()).toEqual({ accepted: 1, refused: 0, errors: [] });
    const when = new Date(Date.now() - 60_000).toISOString();
    const many = await post(
      '/v1/events',
      JSON.stringify([{ message: 'two' }, { message: 'three', time: when }]),
    );
    expect(await many.json()).toEqual({ accepted: 2, refused: 0, errors: [] });
    const nd = await post('/v1/events', '{"message":"four"}\n\n{"message":"five"}\n', {
      'content-type': 'application/x-ndjson',
    });
    expect(await nd.json()).toEqual({ accepted: 2, refused: 0, errors: [] });
    await waitFor(() => collector.items().length === 5, 10_000, 'five deliveries');
    const messages = (collector.items() as Array<{ message: string; time: number }>)
      .map((r) => r.message)
      .sort();
    expect(messages).toEqual(['five', 'four', 'one', 'three', 'two']);
    const three = (collector.items() as Array<{ message: string; time: number }>).find(
      (r) => r.message === 'three',
    )!;
    expect(three.time).toBe(Date.parse(when));
    expect(reconciles(relay.instance.stats())).toBe(true);
  });

  it('refuses malformed NDJSON lines and wrongly typed events one by one, by index, and accepts the rest', async () => {
    const { collector, post } = await startTestRelay();
    const body = [
      '{"message":"ok-0"}',
      '{"message":',
      '[1,2]',
      '{"level":"loud"}',
      '{"message":"ok-4","tags":"x"}',
      '{"message":"ok-5"}',
    ].join('\n');
    const res = await post('/v1/events', body, { 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(202);
    const answer = (await res.json()) as {
      accepted: number;
      refused: number;
      errors: Array<{ index: number; message: string }>;
    };
    expect(answer.accepted).toBe(2);
    expect(answer.refused).toBe(4);
    expect(answer.errors.map((e) => e.index)).toEqual([1, 2, 3, 4]);
    expect(answer.errors[2]!.message).toMatch(/level must be one of/);
    expect(answer.errors[3]!.message).toMatch(/tags must be an array of strings/);
    await waitFor(() => collector.items().length === 2, 10_000, 'two deliveries');
  });

  it('answers 401 without or with a wrong token, 415 for an unknown type, 400 for a truncated body', async () => {
    const { relay, collector, post } = await startTestRelay();
    const none = await fetch(`${relay.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post('/v1/events', '{}', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(
      401,
    );
    expect((await post('/v1/events', '{}', { 'content-type': 'text/plain' })).status).toBe(415);
    const truncated = await post('/v1/events', '[{"message":"a"},{"mess');
    expect(truncated.status).toBe(400);
    expect(((await truncated.json()) as { error: string }).error).toMatch(/nothing was accepted/);
    expect(relay.instance.stats().emitted).toBe(0);
    expect(collector.items()).toEqual([]);
  });
});

describe('health and metrics', () => {
  it('serves /healthz, /readyz and /metrics with the documented names', async () => {
    const { relay, collector, post } = await startTestRelay();
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${relay.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, reasons: {} });
    await post('/v1/events', JSON.stringify([{ message: 'a' }, { message: 'b' }]));
    await waitFor(() => collector.items().length === 2);
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    expect(text).toContain('offpath_events_accepted_total{destination="collector"} 2');
    expect(text).toContain('offpath_events_delivered_total{destination="collector"} 2');
    expect(text).toContain('offpath_circuit_state{destination="collector",state="closed"} 1');
    expect(text).toMatch(
      /offpath_send_duration_seconds_count\{destination="collector",outcome="success"\} [1-9]/,
    );
    expect(text).toContain('offpath_http_requests_total{route="/v1/events",method="POST",status="202"} 1');
    expect(text).toContain('offpath_ingest_events_total{endpoint="/v1/events",outcome="accepted"} 2');
    expect(text).toContain('offpath_process_cpu_seconds_total');
    expect(text).toContain('offpath_config_reload_failures_total 0');
  });
});

describe('backpressure', () => {
  it('answers 429 with Retry-After and accepts nothing of the batch while too many deliveries are pending', async () => {
    // The destination is unreachable on purpose: deliveries stay pending.
    const { relay, post } = await startTestRelay((dataDir) => ({
      destinations: [
        {
          name: 'collector',
          type: 'http',
          url: 'http://127.0.0.1:1/unreachable',
          batch: { maxSize: 100, maxDelayMs: 5 },
          retry: { initialDelayMs: 20, maxDelayMs: 100 },
          sendTimeoutMs: 300,
        },
      ],
      server: { maxPending: 20, dataDir },
    }));
    expect(
      (await post('/v1/events', JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ message: `p${i}` })))))
        .status,
    ).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await post('/v1/events', JSON.stringify([{ message: 'one too many' }]));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: string }).error).toMatch(/nothing was accepted/);
    expect(relay.instance.stats().emitted).toBe(20);
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toContain('offpath_http_requests_total{route="/v1/events",method="POST",status="429"} 1');
  });
});
