/**
 * Incoming-request capture in an express app: serverSource() reports failing and slow requests, and
 * everything done while handling a request (an outgoing fetch, a winston log, a report) carries that
 * request's id and W3C traceparent, so the alerts can be put side by side.
 * Run: npx tsx examples/server/express-app.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import winston from 'winston';
import { createOffpath, fetchSource, memorySink, serverSource } from '../../src/index.js';
import { OffpathWinstonTransport } from '../../src/sources/loggers/winston-transport.js';

// A payment provider that is down, to have something to capture.
const provider = createServer((_req, res) => res.writeHead(503).end('{"error":"maintenance"}'));
await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;

const sink = memorySink(); // use discord/slack/telegram/http destinations in a real app
const offpath = createOffpath({ service: 'shop', destinations: [{ name: 'ops', type: 'custom', sink }] });
// The stand-in upstream is a node:http server in this same process: leave its requests out.
offpath.attach(serverSource({ slowMs: 1_000, exclude: [`${providerUrl}/**`] }));
offpath.attach(fetchSource({ include: [`${providerUrl}/**`] }));
const logger = winston.createLogger({
  transports: [new OffpathWinstonTransport({ offpath, level: 'warn' })],
});

const app = express();
app.post('/orders/:id/pay', async (req, res, next) => {
  try {
    const answer = await fetch(`${providerUrl}/charge`, {
      method: 'POST',
      body: JSON.stringify({ order: req.params.id }),
    });
    if (!answer.ok) throw new Error(`provider answered ${answer.status}`);
    res.json({ paid: true });
  } catch (error) {
    next(error);
  }
});
// express's own error handling is untouched: offpath only watches.
app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  logger.error('payment failed', { reason: error.message });
  offpath.report(error, { title: 'Payment failed' });
  res.status(500).json({ error: 'payment failed' });
});

const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const reply = await fetch(`${url}/orders/42/pay`, {
  method: 'POST',
  headers: { 'x-request-id': 'order-42-attempt-1' },
});
console.log(`POST /orders/42/pay → ${reply.status}`);

await offpath.flush();
for (const record of sink.records) {
  const { requestId, traceparent } = record.fields as { requestId?: string; traceparent?: string };
  console.log(
    `${record.kind.padEnd(5)} ${record.level.padEnd(5)} requestId=${requestId} traceparent=${traceparent}`,
  );
}
const ids = new Set(sink.records.map((r) => (r.fields as { requestId?: string }).requestId));
console.log(`${sink.records.length} events, request ids: ${[...ids].join(', ')}`);
server.close();
provider.close();
await offpath.close();
