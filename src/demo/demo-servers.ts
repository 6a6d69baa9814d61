/**
 * The demo's sample app upstream: an API with some failing and some slow endpoints.
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A running loopback server. */
export interface LocalServer {
  readonly url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The sample app's upstream: /orders works, /payments fails one time in four, /slow is slow. */
export function startSampleApi(): Promise<LocalServer> {
  let n = 0;
  return listen(
    createServer((req, res) => {
      n++;
      req.resume();
      if (req.url?.startsWith('/payments') && n % 4 === 0) {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' });
        res.end(JSON.stringify({ error: 'payment provider unavailable', requestId: `req-${n}` }));
        return;
      }
      if (req.url?.startsWith('/slow')) {
        setTimeout(() => res.writeHead(200).end('{"ok":true}'), 300);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, n }));
    }),
  );
}
