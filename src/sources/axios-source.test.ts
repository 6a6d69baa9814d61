import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../test/helpers/http-server.js';
import type { OffpathEvent } from '../core/event.js';
import { axiosSource } from './axios-source.js';

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const status = Number(/status=(\d+)/.exec(req.url)?.[1] ?? 200);
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ got: req.body.toString() || null }));
  });
});
afterAll(() => server.close());

describe('axios source', () => {
  it('captures failures with bodies, keeps errors and configs as they were, and ejects on detach', async () => {
    const client = axios.create({ baseURL: server.url });
    const events: OffpathEvent[] = [];
    const detach = axiosSource(client).attach((e) => events.push(e) > 0);
    const ok = await client.get('/ok');
    expect(ok.data).toEqual({ got: null });
    const config = { headers: { 'X-Trace': 't1' } };
    const before = JSON.stringify(config);
    const error = await client.post('/pay?status=503', { amount: 5 }, config).catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    expect((error as { response: { status: number } }).response.status).toBe(503);
    expect(JSON.stringify(config)).toBe(before);
    const refused = await axios
      .create({ baseURL: 'http://127.0.0.1:9' })
      .get('/x')
      .catch((e: unknown) => e);
    expect((refused as { code: string }).code).toBe('ECONNREFUSED');
    detach();
    await client.get('/after?status=500').catch(() => {});
    expect(events).toHaveLength(1);
    expect(events[0]!.http).toMatchObject({
      request: { method: 'POST', url: `${server.url}/pay?status=503`, body: { amount: 5 } },
      response: { status: 503, body: { got: '{"amount":5}' } },
    });
    expect(events[0]!.http?.request?.headers).toMatchObject({ 'X-Trace': 't1' });
  });

  it('captures network errors of the instance it watches', async () => {
    const client = axios.create({ baseURL: 'http://127.0.0.1:9' });
    const events: OffpathEvent[] = [];
    const detach = axiosSource(client).attach((e) => events.push(e) > 0);
    await client.get('/x').catch(() => {});
    detach();
    expect(events.map((e) => e.http?.error?.code)).toEqual(['ECONNREFUSED']);
  });
});
