import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { TEST_BUILD } from '../../../test/helpers/build-for-children.js';
import { track } from '../../../test/helpers/cleanups.js';
import { waitFor } from '../../../test/helpers/http-server.js';
import { inBatches, runNode } from '../../../test/helpers/run-node.js';
import { ConfigError } from '../../resilience/errors.js';
import { startCollectorEmulator } from '../../testing/emulators/collector/emulator.js';
import offpathPinoTransport from './pino-transport.js';

// pino's worker loads plain JavaScript, as users load it from dist/: the compiled sources.
const target = join(TEST_BUILD, 'sources', 'loggers', 'pino-transport.js');
const root = fileURLToPath(new URL('../../../', import.meta.url));

const messages = (items: readonly unknown[]): string[] =>
  items.map((i) => (i as { message: string }).message);

describe('pino transport, self-contained', () => {
  it('delivers from the worker to the destinations in its options, and delivers the rest when pino closes it', async () => {
    const collector = await track(startCollectorEmulator());
    const transport = pino.transport({
      target,
      options: { destinations: [{ name: 'c', type: 'http', url: collector.url }] },
    });
    const logger = pino({ level: 'info' }, transport);
    logger.info({ orderId: 42 }, 'order placed');
    // Delivered while the logger runs: the worker's instance sends on its own.
    await waitFor(() => collector.items().length === 1, 15_000, 'the first record at the collector');
    logger.error({ err: new TypeError('card declined') }, 'payment failed');
    const closed = new Promise((resolve) => transport.once('close', resolve));
    transport.end();
    await closed;
    // Closing the transport closed the instance, which delivered what it still held.
    expect(messages(collector.items())).toEqual(['order placed', 'payment failed']);
    expect(collector.items()[0]).toMatchObject({ level: 'info', kind: 'log', fields: { orderId: 42 } });
    expect(collector.items()[1]).toMatchObject({
      level: 'error',
      error: { name: 'TypeError', message: 'card declined' },
    });
  }, 30_000);

  it('validates its options as createOffpath does: a ConfigError naming the field', async () => {
    const invalid = offpathPinoTransport({ destinations: [{ name: 'c', type: 'http', url: 'ftp://nope' }] });
    await expect(invalid).rejects.toBeInstanceOf(ConfigError);
    await expect(invalid).rejects.toMatchObject({ issues: [{ path: 'destinations[0].url' }] });
    const both = offpathPinoTransport({
      channel: 'offpath',
      destinations: [{ name: 'c', type: 'http', url: 'http://127.0.0.1:9/' }],
    } as never);
    await expect(both).rejects.toMatchObject({ issues: [{ path: 'channel' }] });
    // Through pino: the worker's ConfigError becomes the transport's 'error' event, naming the field.
    const transport = pino.transport({
      target,
      options: { destinations: [{ name: 'c', type: 'http', url: 'ftp://nope' }] },
    });
    const error = await new Promise<Error>((resolve) => transport.once('error', resolve));
    expect(error.message).toContain('destinations[0].url: must be an absolute http(s) URL');
    // pino's own keys in the options are not offpath's problem.
    expect(error.message).not.toContain('pinoWillSendConfig');
  }, 30_000);
});

describe('pino transport, channel mode', () => {
  // An app logging two bursts, 600 ms apart, then exiting; `listen` attaches a pinoSource.
  const app = (listen: boolean): string => `
    import pino from 'pino';
    import { pinoSource } from ${JSON.stringify(join(TEST_BUILD, 'sources', 'loggers', 'pino-source.js'))};
    const received = [];
    if (${listen}) pinoSource({ channel: 'warn-test' }).attach((e) => received.push(e) > 0);
    const transport = pino.transport({
      target: ${JSON.stringify(target)},
      options: { channel: 'warn-test', listenerCheckMs: 200 },
    });
    const logger = pino(transport);
    for (let i = 0; i < 5; i++) logger.info('first ' + i);
    await new Promise((r) => setTimeout(r, 600));
    for (let i = 0; i < 5; i++) logger.info('second ' + i);
    await new Promise((r) => setTimeout(r, 400));
    console.log('received ' + received.length);`; // then exits: pino ends the transport

  it('warns exactly once on stderr when nobody on the main thread receives its records, and not when a pinoSource does', async () => {
    const [alone, heard] = await inBatches([
      () => runNode(['--input-type=module', '-e', app(false)], { cwd: root }),
      () => runNode(['--input-type=module', '-e', app(true)], { cwd: root }),
    ]);
    expect(alone!.code).toBe(0);
    expect(alone!.stdout).toBe('received 0\n');
    const warnings = alone!.stderr.split('\n').filter((l) => l.startsWith('offpath: pino transport:'));
    expect(warnings).toEqual([
      'offpath: pino transport: no pinoSource listens on channel "warn-test" on the main thread, so its log records are lost; attach pinoSource({ channel: "warn-test" }) to an instance, or give the transport destinations to deliver from its worker',
    ]);
    expect(heard!.code).toBe(0);
    expect(heard!.stdout).toBe('received 10\n');
    expect(heard!.stderr).toBe('');
  }, 60_000);
});
