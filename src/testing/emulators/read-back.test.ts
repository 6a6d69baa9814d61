import { describe, expect, it } from 'vitest';
import { READ_BACK_PATH } from './read-back.js';
import type { RecordedRequest } from './recorder.js';
import { startEmulator } from './start-emulator.js';

describe('the read-back endpoint', () => {
  it('answers what was received, with what the platform made of it, and forgets it on DELETE', async () => {
    const seen: RecordedRequest[] = [];
    const slack = await startEmulator('slack', { readBack: true, onRequest: (r) => seen.push(r) });
    try {
      const [hook] = slack.webhooks();
      await fetch(hook!.url, { method: 'POST', body: JSON.stringify({ text: 'deploy done' }) });
      await fetch(`${slack.url}/services/T0/B0/wrong`, { method: 'POST', body: '{"text":"x"}' });
      slack.faults.failNext(1, 500);
      await fetch(hook!.url, { method: 'POST', body: '{"text":"again"}' });

      const answer = await fetch(`${slack.url}${READ_BACK_PATH}`);
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as {
        requests: Array<{ method: string; path: string; status: number; rawBody: string; fault?: string }>;
        messages: Array<{ text: string }>;
      };
      expect(body.requests.map((r) => [r.method, r.status, r.rawBody])).toEqual([
        ['POST', 200, '{"text":"deploy done"}'],
        ['POST', 404, '{"text":"x"}'],
        ['POST', 500, '{"text":"again"}'],
      ]);
      expect(body.requests[2]?.fault).toBe('fail');
      expect(body.messages.map((m) => m.text)).toEqual(['deploy done']);
      // The read-back itself is neither recorded nor reported.
      expect(seen.map((r) => r.status)).toEqual([200, 404, 500]);
      expect(slack.received).toHaveLength(3);

      expect((await fetch(`${slack.url}${READ_BACK_PATH}`, { method: 'DELETE' })).status).toBe(204);
      const empty = (await (await fetch(`${slack.url}${READ_BACK_PATH}`)).json()) as { requests: unknown[] };
      expect(empty.requests).toEqual([]);
      expect(slack.messages()).toEqual([]);
      expect((await fetch(`${slack.url}${READ_BACK_PATH}`, { method: 'PUT' })).status).toBe(405);
      expect(slack.describe().at(-1)).toContain(`GET  ${slack.url}${READ_BACK_PATH}`);
    } finally {
      await slack.close();
    }
  });

  it('shows binary bodies as base64 and the collector batches', async () => {
    const collector = await startEmulator('collector', { readBack: true });
    try {
      await fetch(`${collector.url}/ingest`, {
        method: 'POST',
        body: '[{"a":1}]',
        headers: { 'content-type': 'application/json' },
      });
      await fetch(`${collector.url}/ingest`, { method: 'POST', body: new Uint8Array([0xff, 0xfe]) });
      const body = (await (await fetch(`${collector.url}${READ_BACK_PATH}`)).json()) as {
        requests: Array<{ rawBody: string; rawBodyEncoding: string }>;
        batches: Array<{ items: unknown[] }>;
      };
      expect(body.requests.map((r) => [r.rawBodyEncoding, r.rawBody])).toEqual([
        ['utf8', '[{"a":1}]'],
        ['base64', '//4='],
      ]);
      expect(body.batches.map((b) => b.items)).toEqual([[{ a: 1 }]]);
    } finally {
      await collector.close();
    }
  });

  it('is off unless asked for: the path is then the platform’s like any other', async () => {
    const discord = await startEmulator('discord');
    try {
      const answer = await fetch(`${discord.url}${READ_BACK_PATH}`);
      expect(answer.status).not.toBe(200);
      expect(discord.received).toHaveLength(1);
    } finally {
      await discord.close();
    }
  });

  it('reports hanging and reset requests to onRequest without a status', async () => {
    const seen: RecordedRequest[] = [];
    const collector = await startEmulator('collector', { onRequest: (r) => seen.push(r) });
    try {
      collector.faults.resetNext(1);
      await fetch(`${collector.url}/ingest`, { method: 'POST', body: '[]' }).catch(() => undefined);
      collector.faults.hangNext(1);
      const hanging = fetch(`${collector.url}/ingest`, { method: 'POST', body: '[]' }).catch(() => undefined);
      await expect.poll(() => seen.length).toBe(2);
      expect(seen.map((r) => [r.fault, r.status])).toEqual([
        ['reset', undefined],
        ['hang', undefined],
      ]);
      await collector.close();
      await hanging;
    } finally {
      await collector.close();
    }
  });
});
