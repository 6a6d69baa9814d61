/**
 * The gateway on its own HTTP server (what `offpath proxy` runs): loopback by default, refusing a
 * public address unless every proxy checks client tokens, with server timeouts, a JSON 404 for paths
 * no proxy serves, 501 for protocol upgrades (WebSocket is not proxied), and a drain on close.
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Offpath } from '../instance/create-offpath.js';
import { ConfigError } from '../resilience/errors.js';
import { createGateway, type Gateway, type GatewayOptions } from './create-gateway.js';

/** Options of {@link startGateway}. */
export interface StartGatewayOptions extends GatewayOptions {
  /** Address to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port; 0 picks a free one. @default 8080 */
  readonly port?: number;
  /** Longest time a client may take to send its request headers, in ms. @default 30_000 */
  readonly headersTimeoutMs?: number;
}

/** A running gateway server. */
export interface RunningGateway {
  readonly gateway: Gateway;
  readonly server: Server;
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets exchanges in flight finish up to the deadline, then cuts the rest. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * @throws ConfigError for a non-loopback host when a proxy has no `auth`, or a bad proxy.
 * @example
 * const running = await startGateway({ port: 8080, proxies: [{ target: 'http://127.0.0.1:3000' }] }, offpath);
 */
export async function startGateway(options: StartGatewayOptions, instance: Offpath): Promise<RunningGateway> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    const open = options.proxies.filter((p) => p.auth === undefined).map((p) => p.path ?? '/');
    if (open.length > 0) {
      throw new ConfigError(
        `gateway: refusing to listen on ${host} while ${open.join(', ')} ${open.length === 1 ? 'has' : 'have'} no auth tokens ` +
          '(add auth: [tokens] to every proxy, or listen on 127.0.0.1)',
      );
    }
  }
  const gateway = createGateway(options, instance);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (gateway.handle(req, res)) return;
    const body = JSON.stringify({
      error: { code: 'not_found', message: `no proxy serves ${req.url ?? '/'}` },
    });
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  // Uploads and streams can last long; the proxies' own timeouts bound the upstream side, and an
  // idle socket (nothing either way) is closed after the longest of them.
  server.requestTimeout = 0;
  server.headersTimeout = options.headersTimeoutMs ?? 30_000;
  server.timeout =
    Math.max(
      ...options.proxies.map((p) => Math.max(p.timeoutMs ?? 30_000, p.inactivityTimeoutMs ?? 30_000)),
    ) + 10_000;
  server.on('upgrade', (_req, socket: Socket) => {
    socket.end('HTTP/1.1 501 Not Implemented\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    gateway,
    server,
    port,
    url: `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`,
    close(closeOptions = {}) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await gateway.close(closeOptions);
        for (const socket of sockets) socket.destroy();
        await closed;
      })();
      return closing;
    },
  };
}
