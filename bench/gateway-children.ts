/**
 * The processes of the gateway bench other than the proxies under test, each in its own process so
 * that none shares an event loop with what it measures:
 *   upstream            a bare node:http server: GET /ok (a small JSON body), GET /sse (10,000 events),
 *                       GET /stall (one event, then silence)
 *   blackhole           accepts connections and requests, never answers (a dead destination)
 *   latency URL N       N sequential requests (one in flight, keep-alive); prints the times in µs
 *   sse URL             reads the event stream; prints per-event latency (µs) and whether it was byte-exact
 * Each prints one JSON line when ready or done.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const [mode, url, count] = process.argv.slice(2);
const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};
/** Epoch time in ms with sub-ms precision, comparable between processes on one machine. */
const now = (): number => performance.timeOrigin + performance.now();

const SSE_EVENTS = 10_000;
const OK_BODY = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ text: 'ok' }] });

if (mode === 'upstream') {
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.url === '/stall') {
      // One event, then silence with the connection open: the gateway's watchdog must end it.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      return;
    }
    if (req.url === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const hash = createHash('sha256');
      let sent = 0;
      // Two events per millisecond, each written on its own, as a model streams tokens.
      const timer = setInterval(() => {
        for (let k = 0; k < 2 && sent < SSE_EVENTS; k++, sent++) {
          const event = `id: ${sent}\nevent: delta\ndata: {"t":${now().toFixed(3)},"token":"tok${sent}"}\n\n`;
          hash.update(event);
          res.write(event);
        }
        if (sent === SSE_EVENTS) {
          clearInterval(timer);
          res.end(`event: done\ndata: ${hash.digest('hex')}\n\n`);
        }
      }, 1);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(OK_BODY) });
    res.end(OK_BODY);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => print({ port: (server.address() as AddressInfo).port }));
} else if (mode === 'blackhole') {
  const server = http.createServer(() => {
    // never answers
  });
  server.listen(0, '127.0.0.1', () => print({ port: (server.address() as AddressInfo).port }));
} else if (mode === 'latency') {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const one = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      http
        .get(url!, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve((performance.now() - started) * 1000));
        })
        .on('error', reject);
    });
  const n = Number(count);
  for (let i = 0; i < 200; i++) await one(); // warm-up, not counted
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await one());
  agent.destroy();
  print({ times });
} else if (mode === 'sse') {
  http
    .get(url!, (res) => {
      let buffer = '';
      const hash = createHash('sha256');
      const latencies: number[] = [];
      let sha: string | undefined;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = now();
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const event = buffer.slice(0, end + 2);
          buffer = buffer.slice(end + 2);
          if (event.startsWith('event: done')) {
            sha = event.slice('event: done\ndata: '.length, -2);
            continue;
          }
          hash.update(event);
          const t = Number(/"t":([\d.]+)/.exec(event)?.[1]);
          latencies.push((at - t) * 1000);
        }
      });
      res.on('end', () => print({ latencies, exact: sha !== undefined && sha === hash.digest('hex') }));
    })
    .on('error', (error) => print({ error: String(error) }));
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exitCode = 2;
}
