import { describe, expect, it } from 'vitest';
import type { ValidConfig } from '../config/config-schema.js';
import { validateConfig } from '../config/validate-config.js';
import type { Sink } from '../core/sink.js';
import { ManualClock } from '../testing/manual-clock.js';
import { destinationTarget } from './destination-target.js';
import { probeDestinations } from './probe-destinations.js';

function customSink(probe: Sink['probe']): Sink {
  return {
    type: 'custom',
    format: () => [],
    send: async () => ({ ok: true }),
    ...(probe ? { probe } : {}),
  };
}

describe('probeDestinations', () => {
  it('turns a throwing probe into failed, a hanging one into unreachable at the deadline, and skips disabled ones', async () => {
    const clock = new ManualClock(1_000);
    const config = validateConfig({
      destinations: [
        { name: 'throws', type: 'custom', sink: customSink(() => Promise.reject(new Error('boom'))) },
        // Ignores its signal on purpose: the deadline must still end it.
        { name: 'hangs', type: 'custom', sink: customSink(() => new Promise(() => undefined)) },
        {
          name: 'fine',
          type: 'custom',
          sink: customSink(async () => ({ status: 'ok', detail: 'all good' })),
        },
        {
          name: 'off',
          type: 'custom',
          enabled: false,
          sink: customSink(async () => ({ status: 'ok', detail: '' })),
        },
        { name: 'plain', type: 'custom', sink: customSink(undefined) },
      ],
    });
    const pending = probeDestinations(config, { timeoutMs: 250, clock });
    await clock.advanceAsync(250);
    expect(await pending).toEqual([
      {
        destination: 'throws',
        type: 'custom',
        target: 'custom sink',
        status: 'failed',
        detail: 'the probe failed: boom',
        latencyMs: 0,
      },
      {
        destination: 'hangs',
        type: 'custom',
        target: 'custom sink',
        status: 'unreachable',
        detail: 'no answer: timed out after 250 ms',
        latencyMs: 250,
      },
      {
        destination: 'fine',
        type: 'custom',
        target: 'custom sink',
        status: 'ok',
        detail: 'all good',
        latencyMs: 0,
      },
      {
        destination: 'off',
        type: 'custom',
        target: 'custom sink',
        status: 'skipped',
        detail: 'disabled in the config',
      },
      {
        destination: 'plain',
        type: 'custom',
        target: 'custom sink',
        status: 'skipped',
        detail: 'nothing to check for a custom destination',
      },
    ]);
  });

  it('reports a Discord URL that is not a webhook as failed without throwing, even unvalidated', async () => {
    // Validation refuses this URL; a config built by hand and cast can still carry it.
    const config = {
      destinations: [{ name: 'wrong', type: 'discord', url: 'https://example.com/not-a-hook' }],
    } as ValidConfig;
    expect(await probeDestinations(config)).toEqual([
      {
        destination: 'wrong',
        type: 'discord',
        target: '?',
        status: 'failed',
        detail: 'not a Discord webhook URL (expected …/api/webhooks/{id}/{token})',
      },
    ]);
  });
});

describe('destinationTarget', () => {
  it('keeps hosts and public ids, masks tokens, user info and queries', () => {
    const [discord, telegram, slack, http] = validateConfig({
      destinations: [
        { name: 'a', type: 'discord', url: 'https://discord.com/api/webhooks/123/s3cr3t-token?thread_id=9' },
        { name: 'b', type: 'telegram', token: '555:AAH-secret_part', chatId: '@ops' },
        { name: 'c', type: 'slack', url: 'https://hooks.slack.com/services/T1/B2/XYZsecret' },
        { name: 'd', type: 'http', url: 'https://user:pw@collector.example/v1/keys/k-123?api_key=zz' },
      ],
    }).destinations;
    expect(destinationTarget(discord!)).toBe('discord.com/api/v10/webhooks/123/****?****');
    expect(destinationTarget(telegram!)).toBe('api.telegram.org bot 555:**** chat @ops');
    expect(destinationTarget(slack!)).toBe('hooks.slack.com/services/****');
    expect(destinationTarget(http!)).toBe('collector.example/v1/****?****');
  });
});
