/**
 * Incoming-request capture in a fastify app, the same way as with express: fastify runs on node:http,
 * so serverSource() sees its requests; a pino mixin puts the request's id and traceparent in every
 * log line, and an outgoing node:http call made by the handler carries them too.
 * Run: npx tsx examples/server/fastify-app.ts
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createOffpath, httpSource, memorySink, requestContextMixin, serverSource } from '../../src/index.js';

// An inventory service that is slow and then fails.
const inventory = createServer((_req, res) => setTimeout(() => res.writeHead(500).end('{"error":"db"}'), 20));
await new Promise<void>((resolve) => inventory.listen(0, '127.0.0.1', resolve));
const inventoryUrl = `http://127.0.0.1:${(inventory.address() as AddressInfo).port}`;

const sink = memorySink(); // use discord/slack/telegram/http destinations in a real app
const offpath = createOffpath({ service: 'catalog', destinations: [{ name: 'ops', type: 'custom', sink }] });
// The stand-in upstream is a node:http server in this same process: leave its requests out.
offpath.attach(serverSource({ slowMs: 1_000, exclude: [`${inventoryUrl}/**`] }));
offpath.attach(httpSource({ include: [`${inventoryUrl}/**`] }));

const logLines: string[] = [];
// In an app: pino({ mixin: requestContextMixin }, pino.transport({ target: 'offpath/pino-transport' })).
const app = Fastify({
  logger: {
    level: 'error',
    mixin: requestContextMixin,
    stream: { write: (line: string) => logLines.push(line) },
  },
});
app.get('/products/:id', async (req, reply) => {
  const status = await new Promise<number>((resolve, reject) => {
    request(`${inventoryUrl}/stock/${(req.params as { id: string }).id}`, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
  if (status >= 500) {
    req.log.error({ status }, 'inventory unavailable');
    return reply.code(502).send({ error: 'inventory unavailable' });
  }
  return { id: (req.params as { id: string }).id, inStock: true };
});

await app.listen({ port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const reply = await fetch(`${url}/products/7`, {
  headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
});
console.log(`GET /products/7 → ${reply.status}`);

await offpath.flush();
for (const record of sink.records) {
  const { requestId, trace_id } = record.fields as { requestId?: string; trace_id?: string };
  console.log(
    `${record.tags[0]?.padEnd(6)} ${record.level.padEnd(5)} requestId=${requestId} trace_id=${trace_id}`,
  );
}
const log = JSON.parse(logLines[0] ?? '{}') as { requestId?: string; trace_id?: string };
console.log(`log line: requestId=${log.requestId} trace_id=${log.trace_id}`);
await app.close();
inventory.close();
await offpath.close();
