import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import winston from 'winston';
import { waitFor } from '../../../test/helpers/http-server.js';
import type { OffpathEvent } from '../../core/event.js';
import { pinoSource } from './pino-source.js';
import { OffpathWinstonTransport } from './winston-transport.js';

describe('pino transport', () => {
  it('runs in pino’s worker thread and feeds the main thread, with levels, bindings and errors', async () => {
    const events: OffpathEvent[] = [];
    const detach = pinoSource({ channel: 'offpath-test' }).attach((e) => events.push(e) > 0);
    // pino's worker loads plain JavaScript (users load it from dist/): transpile the transport once.
    // Inside the project, so that the worker resolves pino-abstract-transport like an installed package.
    const outfile = fileURLToPath(
      new URL('../../../node_modules/.cache/offpath-test/pino-transport.mjs', import.meta.url),
    );
    await build({
      entryPoints: [fileURLToPath(new URL('./pino-transport.ts', import.meta.url))],
      outfile,
      format: 'esm',
      platform: 'node',
      bundle: true,
      external: ['pino-abstract-transport'],
    });
    const transport = pino.transport({ target: outfile, options: { channel: 'offpath-test' } });
    const logger = pino({ level: 'trace' }, transport).child({ requestId: 'r-1' });
    logger.info({ orderId: 42 }, 'order placed');
    logger.fatal(
      { err: Object.assign(new TypeError('card declined'), { code: 'E_CARD' }) },
      'payment failed',
    );
    logger.trace('detail');
    await waitFor(() => events.length === 3, 10_000, 'three events from the worker').catch((e: unknown) => {
      throw new Error(`${String(e)}; got ${JSON.stringify(events)}`);
    });
    detach();
    const closed = new Promise((resolve) => transport.once('close', resolve));
    transport.end();
    await closed;
    expect(events[0]).toMatchObject({
      level: 'info',
      message: 'order placed',
      fields: { requestId: 'r-1', orderId: 42 },
    });
    expect(events[1]).toMatchObject({
      level: 'critical',
      message: 'payment failed',
      error: { name: 'TypeError', message: 'card declined', code: 'E_CARD' },
    });
    expect(events[1]!.error && 'stack' in events[1]!.error ? events[1]!.error.stack : '').toContain(
      'TypeError: card declined',
    );
    expect(events[2]).toMatchObject({ level: 'trace', message: 'detail' });
  }, 20_000);
});

describe('winston transport', () => {
  it('maps levels, keeps metadata and error objects, synchronously', () => {
    const events: OffpathEvent[] = [];
    const logger = winston.createLogger({
      level: 'silly',
      format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.timestamp()),
      transports: [new OffpathWinstonTransport({ offpath: (e) => events.push(e) > 0 })],
    });
    logger.info('user signed in', { userId: 7 });
    logger.error(new Error('db down'));
    logger.silly('noise');
    expect(events[0]).toMatchObject({ level: 'info', message: 'user signed in', fields: { userId: 7 } });
    expect(events[1]).toMatchObject({ level: 'error', message: 'db down' });
    expect(events[1]!.error && 'stack' in events[1]!.error ? events[1]!.error.stack : '').toContain(
      'Error: db down',
    );
    expect(events[2]!.level).toBe('trace');
    expect(typeof events[0]!.time).toBe('number');
  });

  it("emits 'logged' for each entry, flushes the instance on close, and refuses to run without a target", async () => {
    const events: OffpathEvent[] = [];
    let flushed = 0;
    const instance = {
      emit: (e: OffpathEvent) => events.push(e) > 0,
      flush: async () => {
        flushed++;
        return { complete: true };
      },
    };
    const transport = new OffpathWinstonTransport({ offpath: instance });
    const logged: unknown[] = [];
    transport.on('logged', (info) => logged.push(info));
    const logger = winston.createLogger({ transports: [transport] });
    logger.warn('disk almost full');
    await waitFor(() => logged.length === 1, 2_000, "'logged'");
    expect(logged[0]).toMatchObject({ message: 'disk almost full', level: 'warn' });
    expect(events).toHaveLength(1);

    const closed = new Promise<void>((resolve) => transport.once('closed', () => resolve()));
    transport.close();
    await closed;
    expect(flushed).toBe(1);

    for (const bad of [{}, { offpath: undefined }, { offpath: 42 }, { offpath: { emit: 'no' } }]) {
      expect(() => new OffpathWinstonTransport(bad as never)).toThrow(
        expect.objectContaining({
          code: 'ERR_CONFIG',
          issues: [expect.objectContaining({ path: 'offpath' })],
        }),
      );
    }
  });
});
