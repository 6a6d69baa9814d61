/**
 * Gateway test harness: an offpath instance with a memory destination, a gateway on a loopback port
 * in front of a scripted upstream, and a raw node:http client (fetch hides hop-by-hop headers).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { OffpathConfig } from '../../src/config/config-schema.js';
import type { ProxyOptions } from '../../src/gateway/proxy-options.js';
import { type RunningGateway, startGateway } from '../../src/gateway/start-gateway.js';
import { createOffpath, type Offpath, type OffpathDependencies } from '../../src/instance/create-offpath.js';
import type { Clock } from '../../src/resilience/clock.js';
import { type MemorySink, memorySink } from '../../src/sinks/memory-sink.js';
import { onCleanup } from './cleanups.js';

/** A loopback upstream whose handler the test sets; closes after the test. */
export async function upstream(handler: http.RequestListener): Promise<{ url: string; requests: number }> {
  const sockets = new Set<Socket>();
  const state = { url: '', requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    handler(req, res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  onCleanup(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  return state;
}

export interface Harness {
  readonly offpath: Offpath;
  readonly sink: MemorySink;
  readonly running: RunningGateway;
  readonly url: string;
}

/** A gateway for `proxies` on an instance that delivers to a memory sink (or the given destinations). */
export async function gateway(
  proxies: readonly ProxyOptions[],
  options: { clock?: Clock; config?: Partial<OffpathConfig>; deps?: OffpathDependencies } = {},
): Promise<Harness> {
  const sink = memorySink();
  const offpath = createOffpath(
    { destinations: [{ name: 'mem', type: 'custom', sink, noise: false }], ...options.config },
    options.deps,
  );
  const running = await startGateway(
    { port: 0, proxies, ...(options.clock ? { clock: options.clock } : {}) },
    offpath,
  );
  onCleanup(async () => {
    await running.close({ timeoutMs: 500 });
    await offpath.close({ timeoutMs: 1_000 });
  });
  return { offpath, sink, running, url: running.url };
}

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** One request with exactly the given headers; resolves with the whole reply, rejects on a cut stream. */
export function send(
  url: string,
  options: { method?: string; headers?: http.OutgoingHttpHeaders | string[]; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
