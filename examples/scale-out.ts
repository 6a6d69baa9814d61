/**
 * Two replicas sharing one Discord webhook through Redis: each paces itself with the other, so
 * together they stay inside the webhook's limits (5 requests per 2 s) and nothing comes back 429.
 * Both run in this process here for brevity; in production each replica has the same config.
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379).
 * Run: npx tsx examples/scale-out.ts
 */
import { createOffpath } from '../src/index.js';
import { startDiscordEmulator } from '../src/testing/index.js';

const discord = await startDiscordEmulator();
const webhook = discord.createWebhook();
const config = {
  destinations: [{ name: 'ops', type: 'discord' as const, url: webhook.url }],
  coordination: {
    redis: { url: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', keyPrefix: 'offpath-example:' },
    replicas: 2, // while Redis is away, each replica takes half of every limit
  },
};
const replicas = [createOffpath(config), createOffpath(config)];
for (const [n, replica] of replicas.entries()) {
  replica.on('coordination-state', ({ from, to }) => process.stdout.write(`replica ${n}: ${from} → ${to}\n`));
}
await new Promise((resolve) => setTimeout(resolve, 500)); // let both join Redis

// 30 distinct errors each: 3 messages of 10 per replica, 6 in all, paced for both together.
for (const [n, replica] of replicas.entries()) {
  for (let i = 0; i < 30; i++)
    replica.emit({ level: 'error', title: `replica ${n} error`, fingerprint: `${n}-${i}` });
}
await Promise.all(replicas.map((replica) => replica.flush({ timeoutMs: 30_000 })));

const answers = discord.received.filter((r) => r.path.includes(webhook.id));
process.stdout.write(
  `${discord.messages().length} messages, ${answers.filter((r) => r.status === 429).length} × 429, ` +
    `state ${replicas[0]!.health().coordination?.state}\n`,
);
await Promise.all(replicas.map((replica) => replica.close()));
await discord.close();
