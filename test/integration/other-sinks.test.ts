import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from '../../src/core/normalize/normalize-event.js';
import { consoleSink, createOffpath, fileSink, reconciles } from '../../src/index.js';
import { startCollectorEmulator, startDiscordEmulator } from '../../src/testing/index.js';
import { onCleanup } from '../helpers/cleanups.js';

describe('HTTP collector destination', () => {
  for (const [format, gzip] of [
    ['json', false],
    ['ndjson', false],
    ['ndjson', true],
    ['json', true],
  ] as const) {
    it(`posts ${format}${gzip ? ' gzip' : ''} batches the collector can read`, async () => {
      const collector = await startCollectorEmulator();
      onCleanup(() => collector.close());
      const offpath = createOffpath({
        destinations: [
          {
            name: 'c',
            type: 'http',
            url: `${collector.url}/ingest`,
            format,
            gzip,
            batch: { maxSize: 7, maxDelayMs: 10 },
          },
        ],
      });
      for (let i = 0; i < 20; i++) offpath.emit({ message: `m${i}` });
      await offpath.close();
      // Several requests are in flight at once: every record once, in order within each batch.
      const messages = collector.items().map((item) => (item as { message: string }).message);
      expect(messages.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
      for (const batch of collector.batches()) {
        const n = batch.items.map((item) => Number((item as { message: string }).message.slice(1)));
        expect(n).toEqual([...n].sort((a, b) => a - b));
      }
    });
  }

  it('retries 5xx and 429 with the same idempotency key, so the collector can drop the duplicates', async () => {
    const collector = await startCollectorEmulator();
    onCleanup(() => collector.close());
    collector.faults.failNext(2, 503);
    collector.faults.rateLimitNext(1, 1);
    const offpath = createOffpath({
      destinations: [
        {
          name: 'c',
          type: 'http',
          url: collector.url,
          retry: { initialDelayMs: 10, maxDelayMs: 20 },
          batch: { maxSize: 100, maxDelayMs: 10 },
        },
      ],
    });
    offpath.emit({ message: 'once' });
    await offpath.flush({ timeoutMs: 10_000 });
    const keys = collector.received.map((r) => r.headers['idempotency-key']);
    expect(collector.received.map((r) => r.status)).toEqual([429, 503, 503, 200]);
    expect(new Set(keys).size).toBe(1);
    expect(collector.items()).toHaveLength(1);
    expect(offpath.stats()).toMatchObject({ delivered: 1 });
    await offpath.close();
  });
});

describe('console destination', () => {
  const capture = (isTTY: boolean) => {
    let out = '';
    const stream = Object.assign(
      new Writable({
        write(chunk, _enc, cb) {
          out += chunk;
          cb();
        },
      }),
      {
        isTTY,
      },
    );
    return { stream, text: () => out };
  };
  const record = normalizeEvent(
    {
      level: 'error',
      title: 'boom',
      message: 'line1\nline2 \u001b[31mred',
      fields: { a: 1 },
      error: new Error('bad'),
    },
    { id: 1, receivedAt: 0 },
  );

  it('colours a TTY unless NO_COLOR, and never lets event content write escape codes', async () => {
    const tty = capture(true);
    const sink = consoleSink({ stream: tty.stream, style: 'compact' });
    await sink.send(sink.format([record])[0]!.payload, { signal: AbortSignal.timeout(1_000) });
    expect(tty.text()).toContain('\u001b[31mERROR');
    expect(tty.text()).not.toContain('\u001b[31mred');
    const before = process.env['NO_COLOR'];
    process.env['NO_COLOR'] = '1';
    try {
      const plain = capture(true);
      const s = consoleSink({ stream: plain.stream });
      await s.send(s.format([record])[0]!.payload, { signal: AbortSignal.timeout(1_000) });
      expect(plain.text()).not.toContain('\u001b[');
    } finally {
      if (before === undefined) delete process.env['NO_COLOR'];
      else process.env['NO_COLOR'] = before;
    }
  });

  it('writes one line per record compact, or the details expanded', async () => {
    const out = capture(false);
    const compact = consoleSink({ stream: out.stream, style: 'compact' });
    await compact.send(compact.format([record, record])[0]!.payload, { signal: AbortSignal.timeout(1_000) });
    expect(out.text().trim().split('\n')).toHaveLength(2);
    const more = capture(false);
    const expanded = consoleSink({ stream: more.stream, style: 'expanded' });
    await expanded.send(expanded.format([record])[0]!.payload, { signal: AbortSignal.timeout(1_000) });
    expect(more.text()).toContain('    a: 1');
    expect(more.text()).toContain('Error: bad');
  });
});

describe('file destination', () => {
  it('rotates by size and keeps the configured number of files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offpath-file-'));
    const path = join(dir, 'events.ndjson');
    const sink = fileSink({ path, maxBytes: 2_000, maxFiles: 2 });
    for (let i = 0; i < 30; i++) {
      const r = normalizeEvent({ message: `event ${i} ${'x'.repeat(300)}` }, { id: i, receivedAt: 0 });
      expect(await sink.send(sink.format([r])[0]!.payload, { signal: AbortSignal.timeout(1_000) })).toEqual({
        ok: true,
      });
    }
    expect(readdirSync(dir).sort()).toEqual(['events.ndjson', 'events.ndjson.1', 'events.ndjson.2']);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(2_000);
    const last = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).message);
    expect(last.at(-1)).toMatch(/^event 29 /);
  });
});

describe('fallback destinations', () => {
  it('receive what a destination finally fails to deliver', async () => {
    const discord = await startDiscordEmulator();
    onCleanup(() => discord.close());
    const [hook] = discord.webhooks();
    discord.deleteWebhook(hook!.id);
    const dir = mkdtempSync(join(tmpdir(), 'offpath-fallback-'));
    const offpath = createOffpath({
      destinations: [
        { name: 'ops', type: 'discord', url: hook!.url, fallback: 'disk', noise: false },
        { name: 'disk', type: 'file', path: join(dir, 'fallback.ndjson') },
      ],
      // Only what ops cannot deliver reaches the file.
      routes: [{ destinations: ['ops'] }],
    });
    for (let i = 0; i < 3; i++) offpath.emit({ level: 'error', message: `lost ${i}` });
    await offpath.flush();
    await offpath.close();
    const saved = readFileSync(join(dir, 'fallback.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).message);
    expect(saved).toEqual(['lost 0', 'lost 1', 'lost 2']);
    const stats = offpath.stats();
    expect(stats.destinations['ops']).toMatchObject({ deadLettered: 3 });
    expect(stats.destinations['disk']).toMatchObject({ accepted: 3, delivered: 3 });
    expect(reconciles(stats)).toBe(true);
  });
});
