/**
 * An LLM API behind offpath's gateway: the provider key stays on the server (clients present their
 * own proxy token, which never reaches the provider), streamed completions pass through token by
 * token, a stream that stalls is ended with an `event: error` the client can read, and every
 * completion is traced to the destinations with both credentials hidden.
 * Run: npx tsx examples/gateway/llm-gateway.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGateway } from '../../src/gateway/index.js';
import { createOffpath, memorySink } from '../../src/index.js';

const PROVIDER_KEY = process.env['OPENAI_API_KEY'] ?? 'sk-example-provider-key-000111222';
const CLIENT_TOKEN = 'team-a-token-5d41402abc4b2a76b9719d911017c592';

// A stand-in for the provider: checks its key and streams a chat completion as server-sent events.
const provider = createServer((req, res) => {
  if (req.headers.authorization !== `Bearer ${PROVIDER_KEY}`) return void res.writeHead(401).end();
  req.resume();
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const words = ['Off', ' the', ' request', ' path', '.'];
  let i = 0;
  const timer = setInterval(() => {
    if (req.url?.includes('stall') && i === 2) return clearInterval(timer); // goes quiet mid-answer
    if (i < words.length) {
      res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: words[i++] } }] })}\n\n`);
    } else {
      clearInterval(timer);
      res.end('data: [DONE]\n\n');
    }
  }, 20);
});
await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;

const sink = memorySink(); // in production: discord, slack, telegram or an http collector
const offpath = createOffpath({
  service: 'llm-gateway',
  destinations: [{ name: 'ops', type: 'custom', sink }],
});
const gateway = await startGateway(
  {
    port: 0,
    proxies: [
      {
        path: '/openai',
        target: providerUrl, // https://api.openai.com in real life
        headers: { authorization: `Bearer ${PROVIDER_KEY}` },
        auth: [CLIENT_TOKEN],
        inactivityTimeoutMs: 500,
        breaker: 'strict',
        retry: 'noRetry',
        capture: { status: ['2xx', '4xx', '5xx'], maxBodyBytes: 512 }, // trace every completion
      },
    ],
  },
  offpath,
);

/** What an SDK does: POST a streaming completion and read the events as they come. */
async function complete(path: string): Promise<string> {
  const answer = await fetch(`${gateway.url}/openai${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of answer.body!) text += decoder.decode(chunk, { stream: true });
  return text;
}

const ok = await complete('/v1/chat/completions');
const tokens = [...ok.matchAll(/"content":"([^"]*)"/g)].map((m) => m[1]).join('');
console.log(`streamed: "${tokens}"`);
const stalled = await complete('/v1/chat/completions?stall=1');
console.log(`stalled stream ended with: ${stalled.trim().split('\n').slice(-2).join(' | ')}`);

await offpath.flush();
for (const r of sink.records) console.log(`trace: ${r.level} ${r.title}`);
const traces = JSON.stringify(sink.records);
console.log(
  `provider key in traces: ${traces.includes(PROVIDER_KEY)}, client token in traces: ${traces.includes(CLIENT_TOKEN)}`,
);
await gateway.close();
provider.close();
await offpath.close();
