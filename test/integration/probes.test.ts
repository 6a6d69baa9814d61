import { describe, expect, it } from 'vitest';
import type { Sink } from '../../src/core/sink.js';
import { discordSink } from '../../src/sinks/discord/discord-sink.js';
import { httpSink } from '../../src/sinks/http/http-sink.js';
import { telegramSink } from '../../src/sinks/telegram/telegram-sink.js';
import {
  startCollectorEmulator,
  startDiscordEmulator,
  startTelegramEmulator,
} from '../../src/testing/index.js';
import { track } from '../helpers/cleanups.js';

async function probe(sink: Sink) {
  await track({ close: async () => sink.close?.() });
  return sink.probe?.({ signal: AbortSignal.timeout(5_000) });
}

describe('sink probes against the emulators', () => {
  it('Discord: a wrong webhook token is failed with code 50027, and nothing is posted', async () => {
    const discord = await track(startDiscordEmulator());
    const [hook] = discord.webhooks();
    const wrong = hook!.url.replace(hook!.token, `${hook!.token.slice(0, -1)}x`);
    expect(await probe(discordSink({ url: wrong }))).toEqual({
      status: 'failed',
      detail: 'Invalid Webhook Token (50027): the token in the webhook URL is wrong',
    });
    expect(await probe(discordSink({ url: hook!.legacyUrl, threadId: '77' }))).toMatchObject({
      status: 'ok',
    });
    expect(discord.messages()).toEqual([]);
  });

  it('Telegram: a deleted group, a migrated group and a revoked token are failed with the reason', async () => {
    const tg = await track(startTelegramEmulator());
    const [bot] = tg.bots();
    const gone = tg.createChat({ type: 'group' });
    tg.deleteChat(gone.id);
    const old = tg.createChat({ type: 'group', id: -4001, migrateTo: -1004001 });
    const sink = (chatId: number) => telegramSink({ token: bot!.token, chatId, apiUrl: tg.url });
    expect(await probe(sink(gone.id))).toEqual({
      status: 'failed',
      detail: `bot @${bot!.username}, chat ${gone.id}: Forbidden: the group chat was deleted (403)`,
    });
    expect(await probe(sink(old.id))).toEqual({
      status: 'failed',
      detail: `bot @${bot!.username}, chat -4001: Bad Request: group chat was upgraded to a supergroup chat (400): the group is now supergroup -1004001, set chatId to it`,
    });
    tg.revokeBot(bot!.token);
    expect(await probe(sink(gone.id))).toEqual({
      status: 'failed',
      detail: 'Unauthorized (401): the bot token is wrong or was revoked',
    });
    expect(tg.messages()).toEqual([]);
  });

  it('HTTP: the probe carries the destination headers; refusals and wrong methods are explained', async () => {
    const collector = await track(startCollectorEmulator({ auth: { header: 'x-api-key', value: 'k1' } }));
    const url = `${collector.url}/ingest`;
    expect(
      await probe(
        httpSink({ url, headers: { 'x-api-key': 'k1' }, probe: { url: '/health', method: 'HEAD' } }),
      ),
    ).toEqual({
      status: 'ok',
      detail: 'HEAD answered 200',
    });
    expect(
      await probe(httpSink({ url, headers: { 'x-api-key': 'nope' }, probe: { url: '/health' } })),
    ).toEqual({
      status: 'failed',
      detail: 'GET answered 401: the collector refused the credentials (check headers)',
    });
    expect(await probe(httpSink({ url, headers: { 'x-api-key': 'k1' }, probe: {} }))).toEqual({
      status: 'failed',
      detail:
        'GET answered 405: the collector does not accept this method there (set probe.url to a health endpoint)',
    });
    expect(collector.batches()).toEqual([]);
  });
});
