/**
 * Capturing outgoing HTTP: global fetch (and undici), node:http/https clients, and an axios instance.
 * Failed and slow calls are printed by a console destination.
 * Run: npx tsx examples/sources/http-capture.ts
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { axiosSource, createOffpath, fetchSource, httpSource } from '../../src/index.js';

// A local server that answers 404 to everything, to have failures to capture.
const server = createServer((_req, res) => res.writeHead(404).end('not here'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
// And a port nothing listens on, for a network error.
const gone = createServer();
await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
const deadUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
gone.close();

const offpath = createOffpath({
  service: 'sources-example',
  destinations: [{ name: 'console', type: 'console', style: 'expanded' }],
});

const stopFetch = offpath.attach(
  fetchSource({
    exclude: ['**/health', /\/metrics$/],
    methods: ['GET', 'POST'],
    status: ['5xx', 404],
    slowMs: 1_000,
  }),
);
// axios's Node adapter uses node:http: give each source its own URLs so nothing is seen twice.
const stopHttp = offpath.attach(httpSource({ include: ['**/legacy/**'], headers: false }));
const client = axios.create({ baseURL: `${base}/api` });
const stopAxios = offpath.attach(axiosSource(client, { status: ['4xx', '5xx'] }));

await fetch(`${base}/missing`).catch(() => undefined); // a 404: captured
await fetch(`${deadUrl}/refused`).catch(() => undefined); // a network error: captured
await new Promise<void>((resolve) => {
  request(`${base}/legacy/missing`, (res) => res.resume().on('end', resolve))
    .on('error', () => resolve())
    .end();
});
await client.post('/missing', { orderId: 42 }).catch(() => undefined);

stopFetch();
stopHttp();
stopAxios();
console.log(await offpath.close());
server.close();
