import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { OffpathEvents } from '../../src/pipeline/events.js';
import { onCleanup } from '../helpers/cleanups.js';
import { gateway, send, upstream } from '../helpers/gateway-harness.js';

const CHILD = fileURLToPath(new URL('../fixtures/gateway-child.mjs', import.meta.url));

/** The gateway in its own process; `ask` sends a command and resolves with its answer line. */
async function gatewayProcess(target: string) {
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, TARGET: target },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  onCleanup(() => {
    child.stdin.end();
    child.kill();
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const port = Number((await next()).split(' ')[1]);
  return {
    port,
    ask(command: string) {
      const answer = next();
      child.stdin.write(`${command}\n`);
      return answer;
    },
  };
}

/** Streams a GET response; `onChunk` sees each chunk with its arrival time. */
function stream(url: string, onChunk: (chunk: Buffer, at: number) => void = () => {}, keep = true) {
  return new Promise<{ status: number; body: Buffer; endedAt: number; aborted: boolean }>(
    (resolve, reject) => {
      const chunks: Buffer[] = [];
      http
        .get(url, { agent: false }, (res) => {
          let aborted = false;
          res.on('data', (c: Buffer) => {
            if (keep) chunks.push(c);
            onChunk(c, performance.now());
          });
          res.on('aborted', () => {
            aborted = true;
          });
          res.on('error', () => {
            aborted = true;
          });
          res.on('close', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks),
              endedAt: performance.now(),
              aborted,
            }),
          );
        })
        .on('error', reject);
    },
  );
}

/** Writes `total` bytes made of `chunk` repeats, respecting backpressure; nothing is stored. */
function generate(out: NodeJS.WritableStream, total: number, chunk: Buffer): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < total) {
      const part = sent + chunk.length <= total ? chunk : chunk.subarray(0, total - sent);
      sent += part.length;
      if (!out.write(part)) return void out.once('drain', pump);
    }
    out.end();
  };
  pump();
}

describe('gateway: streaming', () => {
  it('passes server-sent events byte for byte, each as it arrives', async () => {
    const events = Array.from(
      { length: 20 },
      (_, i) => `id: ${i}\nevent: delta\ndata: {"token":"t${i}","ünï":"✓"}\n\n`,
    );
    // The upstream writes the next event only once the client has the previous one: a proxy that held
    // anything back (buffering, compression) would stall this exchange for good.
    let sendNext: () => void = () => {};
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let i = 0;
      sendNext = () => {
        if (i < events.length) res.write(events[i++]!);
        else res.end();
      };
      sendNext();
    });
    const { url } = await gateway([{ target: up.url }]);
    let received = '';
    const reply = await stream(`${url}/v1/stream`, (c) => {
      received += c.toString();
      if (received.endsWith('\n\n')) sendNext();
    });
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe(events.join(''));
  });

  it('ends a stalled event stream at the inactivity timeout with a final error event, and traces it as failed', async () => {
    const timeoutMs = 500;
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      setTimeout(() => res.write('data: two\n\n'), 50);
      // …then nothing, with the connection open.
    });
    const { url, offpath, sink, running } = await gateway([
      { target: up.url, inactivityTimeoutMs: timeoutMs },
    ]);
    const inactive: Array<OffpathEvents['stream-inactivity']> = [];
    offpath.on('stream-inactivity', (e) => inactive.push(e));
    let lastData = 0;
    const reply = await stream(`${url}/sse`, (c, at) => {
      if (c.toString().includes('two')) lastData = at;
    });
    const text = reply.body.toString();
    expect(text.startsWith('data: one\n\ndata: two\n\n')).toBe(true);
    expect(text).toMatch(
      /\n\nevent: error\ndata: \{"error":"stream_inactivity","requestId":"[^"]+","inactiveForMs":\d+\}\n\n$/,
    );
    const cutAfter = reply.endedAt - lastData;
    // Never early; late only by timer and scheduling delay (generous bound for a loaded machine).
    expect(cutAfter).toBeGreaterThanOrEqual(timeoutMs - 10);
    expect(cutAfter).toBeLessThan(timeoutMs + 300);
    expect(inactive).toHaveLength(1);
    expect(inactive[0]).toMatchObject({ proxy: 'default' });
    expect(inactive[0]!.inactiveForMs).toBeGreaterThanOrEqual(timeoutMs);
    expect(running.gateway.stats().proxies['default']?.outcomes['stream-inactivity']).toBe(1);
    await offpath.flush();
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({
      level: 'error',
      fields: { outcome: 'stream-inactivity', requestId: inactive[0]!.requestId },
      http: {
        response: { status: 200, body: { data: 'data: one\n\ndata: two\n\n' } },
        error: { code: 'ESTREAMINACTIVE' },
      },
    });
  });

  it('cuts a stalled chunked (non-SSE) stream so the client knows the body is incomplete', async () => {
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"row":1}\n');
    });
    const { url } = await gateway([{ target: up.url, inactivityTimeoutMs: 200 }]);
    const reply = await stream(`${url}/rows`);
    expect(reply.body.toString()).toBe('{"row":1}\n');
    expect(reply.aborted).toBe(true);
  });

  it('respects backpressure: a client that stops reading stops the upstream, and that is not inactivity', async () => {
    let written = 0;
    let upstreamBlocked = false;
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            upstreamBlocked = true;
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    // 500 ms, not less: a loaded machine can stall the loop for a few hundred ms while data flows.
    const { url } = await gateway([{ target: up.url, inactivityTimeoutMs: 500 }]);
    const result = await new Promise<{ received: number; writtenWhilePaused: number; complete: boolean }>(
      (resolve, reject) => {
        http
          .get(`${url}/big`, { agent: false }, (res) => {
            res.pause();
            let received = 0;
            // Stop reading for three inactivity periods.
            setTimeout(() => {
              const writtenWhilePaused = written;
              res.on('data', (c: Buffer) => {
                received += c.length;
              });
              // A stream cut short resolves too, so the assertions below say what went wrong.
              res.on('close', () => resolve({ received, writtenWhilePaused, complete: res.complete }));
              res.resume();
            }, 1_500);
          })
          .on('error', reject);
      },
    );
    expect(upstreamBlocked).toBe(true);
    // Socket buffers on three hops hold a few MB at most; the other 60 MB waited at the source.
    expect(result.writtenWhilePaused).toBeLessThan(16 * 1024 * 1024);
    expect(result.received).toBe(64 * 1024 * 1024);
    expect(result.complete).toBe(true);
  });

  it('streams 1 GB up and 1 GB down with less than 50 MB of RSS growth', async () => {
    const GB = 1_000_000_000;
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const up = await upstream((req, res) => {
      if (req.method === 'POST') {
        const hash = createHash('sha256');
        let n = 0;
        req.on('data', (c: Buffer) => {
          n += c.length;
          hash.update(c);
        });
        req.on('end', () => res.end(JSON.stringify({ n, sha: hash.digest('hex') })));
        return;
      }
      res.writeHead(200, { 'content-length': String(GB) });
      generate(res, GB, chunk);
    });
    const child = await gatewayProcess(up.url);
    const url = `http://127.0.0.1:${child.port}`;
    const expected = createHash('sha256');
    for (let sent = 0; sent < GB; sent += chunk.length)
      expected.update(chunk.subarray(0, Math.min(chunk.length, GB - sent)));
    const expectedSha = expected.digest('hex');
    // Warm up (connections, code paths), then take the baseline.
    await stream(`${url}/warm-up`, () => {}, false);
    await child.ask('reset');
    const upload = await new Promise<{ n: number; sha: string }>((resolve, reject) => {
      const req = http.request(
        `${url}/upload`,
        { method: 'POST', agent: false, headers: { 'content-length': String(GB) } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(JSON.parse(text)));
        },
      );
      req.on('error', reject);
      generate(req, GB, chunk);
    });
    expect(upload).toEqual({ n: GB, sha: expectedSha });
    const hash = createHash('sha256');
    const download = await stream(`${url}/download`, (c) => hash.update(c), false);
    expect(download.status).toBe(200);
    expect(hash.digest('hex')).toBe(expectedSha);
    const [baseline, peak] = (await child.ask('rss')).split(' ').slice(1).map(Number) as [number, number];
    const growthMb = (peak - baseline) / 1024 / 1024;
    console.log(`gateway process RSS growth over 1 GB up + 1 GB down: ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(50);
  }, 180_000);
});

describe('gateway: tracing never changes what clients see', () => {
  it('serves every request unchanged while every destination is black-holed', async () => {
    const blackHole = await upstream(() => {
      // accepts, never answers
    });
    const up = await upstream((req, res) => res.end(`answer for ${req.url}`));
    const { url, offpath, running } = await gateway([{ target: up.url, capture: { status: ['2xx'] } }], {
      config: {
        destinations: [
          { name: 'collector', type: 'http', url: `${blackHole.url}/ingest`, sendTimeoutMs: 60_000 },
          {
            name: 'hooks',
            type: 'discord',
            url: `${blackHole.url}/api/webhooks/1/abc`,
            // Every trace, like the collector: both destinations hold what they cannot deliver.
            minLevel: 'trace',
            sendTimeoutMs: 60_000,
          },
        ],
      },
    });
    const replies = await Promise.all(Array.from({ length: 300 }, (_, i) => send(`${url}/item/${i}`)));
    expect(replies.map((r) => r.status)).toEqual(Array(300).fill(200));
    expect(replies.map((r) => r.body.toString())).toEqual(
      Array.from({ length: 300 }, (_, i) => `answer for /item/${i}`),
    );
    expect(running.gateway.stats().proxies['default']).toMatchObject({ traced: 300, traceErrors: 0 });
    // The traces wait in the pipeline, counted; none is lost without a trace in the ledger.
    const stats = offpath.stats();
    expect(stats.accepted).toBe(600);
    expect(stats.delivered).toBe(0);
  });
});
