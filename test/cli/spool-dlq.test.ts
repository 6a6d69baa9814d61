import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { createOffpath, memorySink, reconciles } from '../../src/index.js';
import { BadRequestError } from '../../src/resilience/errors.js';
import { type CollectorEmulator, ManualClock, startCollectorEmulator } from '../../src/testing/index.js';
import { onCleanup } from '../helpers/cleanups.js';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function cli(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/**
 * A collector, a config file that names it and a spool, and a first run of the app in which the
 * collector rejected the first `rejected` events: they are dead letters now.
 */
async function appWithDeadLetters(events: string[], rejected: number) {
  const collector: CollectorEmulator = await startCollectorEmulator();
  onCleanup(() => collector.close());
  const dir = mkdtempSync(join(tmpdir(), 'offpath-cli-'));
  const spool = join(dir, 'spool.db');
  const configFile = join(dir, 'offpath.config.json');
  const config = {
    destinations: [{ name: 'collector', type: 'http', url: collector.url, batch: { maxSize: 1 } }],
    spool: { path: spool },
  };
  writeFileSync(configFile, JSON.stringify(config));
  collector.faults.failNext(rejected, 400);
  const offpath = createOffpath(config as Parameters<typeof createOffpath>[0]);
  for (const message of events) offpath.emit({ level: 'error', message });
  await offpath.close({ timeoutMs: 5_000 });
  expect(offpath.stats().deadLettered).toBe(rejected);
  return { collector, spool, configFile };
}

const messages = (c: CollectorEmulator): unknown[] =>
  c.items().map((i) => (i as { message: string }).message);

describe('offpath spool stats and offpath dlq', () => {
  it('counts, lists, shows and exports dead letters, with filters', async () => {
    const { spool } = await appWithDeadLetters(
      ['card declined for order 1', 'timeout at payment provider', 'ok'],
      2,
    );

    const stats = await cli('spool', 'stats', '--spool', spool);
    expect(stats.code).toBe(0);
    expect(stats.out).toContain('0 record(s) waiting, 2 dead letter(s)');
    expect(stats.out).toMatch(/collector\s+rejected\s+2\s/);
    const statsJson = JSON.parse((await cli('spool', 'stats', '--spool', spool, '--json')).out);
    expect(statsJson.deadLetters).toEqual([
      { destination: 'collector', reason: 'rejected', count: 2, oldest: expect.any(Number) },
    ]);

    const list = await cli('dlq', 'list', '--spool', spool);
    expect(list.code).toBe(0);
    const rows = list.out.trim().split('\n');
    expect(rows[0]).toMatch(/^id\s+time\s+destination\s+reason\s+attempts\s+status\s+summary$/);
    expect(rows.slice(2)).toEqual([
      expect.stringMatching(
        /^1\s+\d{4}-\d\d-\d\dT\S+Z\s+collector\s+rejected\s+1\s+400\s+error card declined for order 1$/,
      ),
      expect.stringMatching(/^2\s.*\s+error timeout at payment provider$/),
    ]);
    expect((await cli('dlq', 'list', '--spool', spool, '--limit', '1')).out).toContain(
      '1 more: raise --limit or narrow the filters',
    );
    expect((await cli('dlq', 'list', '--spool', spool, '--reason', 'destination_gone')).out).toBe(
      'no dead letters match\n',
    );
    expect((await cli('dlq', 'list', '--spool', spool, '--destination', 'other')).out).toBe(
      'no dead letters match\n',
    );
    expect((await cli('dlq', 'list', '--spool', spool, '--since', '1h')).out).toContain('card declined');
    expect((await cli('dlq', 'list', '--spool', spool, '--since', '2999-01-01')).out).toBe(
      'no dead letters match\n',
    );

    const show = await cli('dlq', 'show', '1', '--spool', spool);
    expect(show.code).toBe(0);
    const letter = JSON.parse(show.out);
    expect(letter).toMatchObject({
      id: 1,
      destination: 'collector',
      reason: 'rejected',
      attempts: 1,
      lastStatus: 400,
    });
    expect(letter.record).toMatchObject({ level: 'error', message: 'card declined for order 1' });
    expect(await cli('dlq', 'show', '99', '--spool', spool)).toMatchObject({
      code: 1,
      err: expect.stringContaining('no dead letter with id 99'),
    });
    expect((await cli('dlq', 'show', 'abc', '--spool', spool)).code).toBe(2);

    const exported = (await cli('dlq', 'export', '--spool', spool)).out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(exported.map((l) => l.record.message)).toEqual([
      'card declined for order 1',
      'timeout at payment provider',
    ]);
  });

  it('purges only with a filter or --all', async () => {
    const { spool } = await appWithDeadLetters(['a', 'b'], 2);
    const refused = await cli('dlq', 'purge', '--spool', spool);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--all');
    expect((await cli('dlq', 'purge', '--spool', spool, '--reason', 'retries_exhausted')).out).toBe(
      'purged 0 dead letter(s)\n',
    );
    expect((await cli('dlq', 'purge', '--spool', spool, '--destination', 'collector')).out).toBe(
      'purged 2 dead letter(s)\n',
    );
    expect((await cli('dlq', 'list', '--spool', spool)).out).toBe('no dead letters match\n');
  });

  it('replays dead letters through the pipeline, in order, and says what happened', async () => {
    const { collector, spool, configFile } = await appWithDeadLetters(['first', 'second', 'third'], 2);
    expect(messages(collector)).toEqual(['third']);

    const replay = await cli('dlq', 'replay', '--config', configFile);
    expect(replay.err).toBe('');
    expect(replay.out).toContain('requeued 2 dead letter(s)');
    expect(replay.out).toContain('delivered 2, dead-lettered again 0, still waiting 0');
    expect(replay.code).toBe(0);
    expect(messages(collector)).toEqual(['third', 'first', 'second']);
    expect((await cli('dlq', 'list', '--spool', spool)).out).toBe('no dead letters match\n');
  });

  it('exits 1 when a replayed letter fails again, and keeps it as a dead letter', async () => {
    const { collector, spool, configFile } = await appWithDeadLetters(['rejected twice'], 1);
    collector.faults.failNext(1, 400);
    const replay = await cli('dlq', 'replay', '--config', configFile);
    expect(replay.out).toContain('delivered 0, dead-lettered again 1, still waiting 0');
    expect(replay.code).toBe(1);
    expect((await cli('dlq', 'list', '--spool', spool)).out).toContain('rejected twice');
  });

  it('explains a missing spool, a bad --since and a replay without a config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offpath-cli-'));
    const missing = await cli('dlq', 'list', '--spool', join(dir, 'nope.db'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no spool at');
    const text = join(dir, 'text.db');
    writeFileSync(text, 'not a database at all, only text');
    const foreign = await cli('spool', 'stats', '--spool', text);
    expect(foreign.code).toBe(1);
    expect(foreign.err).toContain('is not a usable spool');

    const { spool } = await appWithDeadLetters(['x'], 1);
    const since = await cli('dlq', 'list', '--spool', spool, '--since', 'yesterday-ish');
    expect(since.code).toBe(2);
    expect(since.err).toContain('use a duration such as 30m, 2h or 7d');

    const noConfig = await cli('dlq', 'replay', '--config', join(dir, 'absent.json'));
    expect(noConfig.code).toBe(2);
    expect(noConfig.err).toContain('absent.json: no such file');
    const badTimeout = await cli('dlq', 'replay', '--config', join(dir, 'absent.json'), '--timeout', 'soon');
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.err).toContain("option '--timeout <ms>' argument 'soon' is invalid");
  });

  it('bounds dead letters by age and size: evictions are counted and announced, the ledger is untouched', async () => {
    const clock = new ManualClock(0);
    const sink = memorySink({ maxBatchSize: 10 });
    sink.respondWith(() => ({ ok: false, kind: 'permanent', error: new BadRequestError('HTTP 400') }));
    const spool = join(mkdtempSync(join(tmpdir(), 'offpath-cli-')), 'spool.db');
    const offpath = createOffpath(
      {
        destinations: [{ name: 'rejecting', type: 'custom', sink }],
        spool: { path: spool, deadLetters: { ttlMs: 3_600_000, maxBytes: 3_000 } },
      },
      { clock },
    );
    const evicted: unknown[] = [];
    offpath.on('dead-letters-evicted', (e) => evicted.push(e));
    for (let i = 0; i < 30; i++)
      offpath.emit({ level: 'error', message: `m${i}`, fields: { pad: 'x'.repeat(60) } });
    await offpath.flush({ timeoutMs: 5_000 });
    const full = offpath.stats().spool!.deadLetters;
    expect(full.evicted.full).toBeGreaterThan(0);
    expect(full.stored + full.evicted.full).toBe(30);
    expect(full.bytes).toBeLessThanOrEqual(3_000);
    expect(evicted).toContainEqual({ destination: 'rejecting', reason: 'full', count: expect.any(Number) });

    clock.advance(3_600_000 + 60_000);
    const after = offpath.stats();
    expect(after.spool!.deadLetters).toEqual({
      stored: 0,
      bytes: 0,
      evicted: { expired: full.stored, full: full.evicted.full },
    });
    expect(evicted).toContainEqual({ destination: 'rejecting', reason: 'expired', count: full.stored });
    // Each event was counted once, as dead-lettered; evicting its stored copy is not a second outcome.
    expect(after).toMatchObject({ accepted: 30, deadLettered: 30, dropped: 0, pending: 0 });
    expect(reconciles(after)).toBe(true);
    await offpath.close();

    const stats = await cli('spool', 'stats', '--spool', spool);
    expect(stats.out).toContain('0 record(s) waiting, 0 dead letter(s)');
    expect(stats.out).toMatch(/rejecting\s+expired\s+\d+\s/);
    expect(stats.out).toMatch(/rejecting\s+full\s+\d+\s/);
    const json = JSON.parse((await cli('spool', 'stats', '--spool', spool, '--json')).out);
    expect(json.deadLettersEvicted).toEqual([
      { destination: 'rejecting', reason: 'expired', count: full.stored, lastAt: 3_600_000 },
      { destination: 'rejecting', reason: 'full', count: full.evicted.full, lastAt: expect.any(Number) },
    ]);
  });

  it('shows the emit journal of an app running in strict durable mode', async () => {
    const spool = join(mkdtempSync(join(tmpdir(), 'offpath-cli-')), 'spool.db');
    const sink = memorySink();
    sink.respondWith(() => new Promise(() => {}));
    const offpath = createOffpath({
      destinations: [{ name: 'slow', type: 'custom', sink, sendTimeoutMs: 60_000 }],
      spool: { path: spool, durable: 'sync' },
    });
    for (let i = 0; i < 3; i++) offpath.emit({ message: `m${i}` });
    const stats = await cli('spool', 'stats', '--spool', spool);
    expect(stats.out).toMatch(/emit journal \(durable: 'sync'\): 1 segment\(s\), \d+ bytes in /);
    const json = JSON.parse((await cli('spool', 'stats', '--spool', spool, '--json')).out);
    expect(json.emitJournal).toMatchObject({ path: `${spool}.emit-journal`, segments: 1 });
    expect(json.emitJournal.bytes).toBeGreaterThan(0);
    await offpath.close({ timeoutMs: 100 });
  });
});
