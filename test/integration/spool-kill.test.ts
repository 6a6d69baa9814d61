import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type CollectorEmulator, startCollectorEmulator } from '../../src/testing/index.js';
import { seededRandom, startLineChild } from '../helpers/line-child.js';

// Both modes in one file, so that these CPU-heavy tests run one after the other, never side by side.
const DURABLE_CHILD = join(import.meta.dirname, '../fixtures/durable-child.ts');
const SYNC_CHILD = join(import.meta.dirname, '../fixtures/sync-durable-child.ts');
const KILLS = 5;
const BATCH = 20;
/** Requests an HTTP collector keeps in flight by default: each can be delivered and not yet acknowledged. */
const IN_FLIGHT = 4;

/** The number in the last line matching `pattern` (its first group), or -1. */
function lastNumber(lines: readonly string[], pattern: RegExp): number {
  const line = lines.findLast((l) => pattern.test(l));
  return line === undefined ? -1 : Number(pattern.exec(line)![1]);
}

/** A spool file and the child's list of accepted events, in a fresh directory. */
function workdir() {
  const dir = mkdtempSync(join(tmpdir(), 'offpath-sync-kill-'));
  return { spool: join(dir, 'spool.db'), accepted: join(dir, 'accepted.txt') };
}

const acceptedIds = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

/** How many times each event reached the collector. */
function deliveries(collector: CollectorEmulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of collector.items()) {
    const m = (item as { message: string }).message;
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  return counts;
}

/** Messages kept as dead letters (not lost: stored with their reason, replayable). */
function deadLettered(spool: string): Set<string> {
  const db = new Database(spool, { readonly: true });
  try {
    const rows = db.prepare('SELECT record FROM dead_letters').all() as Array<{ record: string }>;
    return new Set(rows.map((r) => (JSON.parse(r.record) as { message: string }).message));
  } finally {
    db.close();
  }
}

async function drain(env: Record<string, string>): Promise<string> {
  const final = startLineChild(SYNC_CHILD, { ...env, RUN: 'final', EMIT: '0' });
  await final.exited;
  const line = final.lines.find((l) => l.startsWith('drained ') || l.startsWith('not drained'));
  expect(line, final.lines.join('\n')).toMatch(/^drained /);
  return line!;
}

const collectors: CollectorEmulator[] = [];
afterAll(async () => {
  for (const c of collectors) await c.close();
});
async function collector(): Promise<CollectorEmulator> {
  const c = await startCollectorEmulator();
  collectors.push(c);
  return c;
}

describe('durable spool across kill -9', () => {
  it('delivers every persisted event at least once after restarts, with duplicates bounded by one batch per kill', async () => {
    const emulator = await collector();
    emulator.faults.latencyMs = 15; // deliveries are in flight when the kill lands
    const spoolPath = join(mkdtempSync(join(tmpdir(), 'offpath-kill-')), 'spool.db');
    const env = { COLLECTOR_URL: emulator.url, SPOOL_PATH: spoolPath };
    const persisted: number[] = [];
    const emitted: number[] = [];
    const random = seededRandom(7);
    for (let r = 0; r < KILLS; r++) {
      const run = startLineChild(DURABLE_CHILD, { ...env, RUN: String(r) });
      // The kill lands once the run has made progress, however slow the machine is today.
      await run.line(/^persisted \d+$/);
      await new Promise((resolve) => setTimeout(resolve, 200 + random() * 600));
      run.child.kill('SIGKILL');
      await run.exited;
      persisted.push(lastNumber(run.lines, /^persisted (\d+)$/));
      emitted.push(lastNumber(run.lines, /^emitted (\d+)$/));
    }
    emulator.faults.latencyMs = 0;
    const final = startLineChild(DURABLE_CHILD, { ...env, RUN: 'final', EMIT: '0' });
    await final.exited;
    expect(final.lines).toEqual(['drained']);

    const counts = deliveries(emulator);
    const missing: string[] = [];
    persisted.forEach((last, r) => {
      for (let n = 0; n <= last; n++) if (!counts.has(`r${r}-${n}`)) missing.push(`r${r}-${n}`);
    });
    expect(missing).toEqual([]);
    const duplicates = [...counts.values()].reduce((sum, c) => sum + c - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(KILLS * BATCH * IN_FLIGHT);
    // Accepted after the last commit the run confirmed: the write-behind window a kill can cost.
    let unconfirmedLost = 0;
    persisted.forEach((last, r) => {
      for (let n = last + 1; n <= emitted[r]!; n++) if (!counts.has(`r${r}-${n}`)) unconfirmedLost++;
    });
    process.stdout.write(
      `kill -9 x${KILLS}: ${counts.size} distinct events delivered, ${duplicates} duplicates, ` +
        `${unconfirmedLost} accepted in the last write-behind turn before a kill and lost\n`,
    );
  }, 60_000);
});

describe("strict durable mode (durable: 'sync') across kill -9", () => {
  it('loses nothing accepted when the process is killed right after emit() returns; write-behind does', async () => {
    const c = await collector();
    const outcome: Record<string, { accepted: number; delivered: number }> = {};
    for (const durable of ['sync', 'true']) {
      const dir = workdir();
      const env = {
        COLLECTOR_URL: c.url,
        SPOOL_PATH: dir.spool,
        ACCEPTED_FILE: dir.accepted,
        DURABLE: durable,
      };
      const child = startLineChild(SYNC_CHILD, { ...env, RUN: durable, KILL_SELF_AFTER: '500' });
      await child.exited;
      expect(child.child.signalCode).toBe('SIGKILL');
      await drain(env);
      const counts = deliveries(c);
      const accepted = acceptedIds(dir.accepted);
      outcome[durable] = {
        accepted: accepted.length,
        delivered: accepted.filter((id) => counts.has(id)).length,
      };
    }
    expect(outcome['sync']).toEqual({ accepted: 500, delivered: 500 });
    // The same kill with write-behind: nothing was committed yet, so all of it is gone.
    expect(outcome['true']).toEqual({ accepted: 500, delivered: 0 });
  }, 60_000);

  it('delivers every accepted event after 5 kills at random moments at 10,000 events/s under 25 % faults', async () => {
    const c = await collector();
    // 25 % of requests fail: one in 20 has its connection reset, 21 % of the rest get a 503.
    c.faults.setFailureRate(0.21, { status: 503, seed: 13 });
    const resetEvery = (): void =>
      c.faults.afterRequests(19, () => {
        c.faults.resetNext(1);
        resetEvery();
      });
    resetEvery();
    const dir = workdir();
    const env = { COLLECTOR_URL: c.url, SPOOL_PATH: dir.spool, ACCEPTED_FILE: dir.accepted, RATE: '10000' };
    const random = seededRandom(11);
    const perRun: Array<{ accepted: number; ms: number; refused: number }> = [];
    let recovered = 0;
    for (let r = 0; r < KILLS; r++) {
      const before = acceptedIds(dir.accepted).length;
      const run = startLineChild(SYNC_CHILD, { ...env, RUN: String(r) });
      recovered += Number((await run.line(/^recovered \d+$/)).split(' ')[1]);
      await run.line(/^ready$/);
      const started = performance.now();
      // The kill lands once a thousand events were accepted, however slow the machine is today.
      await run.line(/^progress \{"emitted":[1-9]\d{3,},/);
      await new Promise((resolve) => setTimeout(resolve, random() * 1_000));
      run.child.kill('SIGKILL');
      await run.exited;
      const progress = run.lines.filter((l) => l.startsWith('progress ')).at(-1) ?? 'progress {"refused":0}';
      perRun.push({
        accepted: acceptedIds(dir.accepted).length - before,
        ms: performance.now() - started,
        refused: (JSON.parse(progress.slice('progress '.length)) as { refused: number }).refused,
      });
    }
    // The collector recovers for the drain: what is measured is what the kills lost, not retry throughput.
    c.faults.clear();
    const drained = JSON.parse((await drain(env)).slice('drained '.length)) as {
      spool: { journal: { recovered: number } };
    };
    recovered += drained.spool.journal.recovered;

    const counts = deliveries(c);
    const dead = deadLettered(dir.spool);
    const accepted = acceptedIds(dir.accepted);
    const lost = accepted.filter((id) => !counts.has(id) && !dead.has(id));
    expect(lost).toEqual([]);
    const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    const rate = Math.round(
      perRun.reduce((s, p) => s + p.accepted, 0) / (perRun.reduce((s, p) => s + p.ms, 0) / 1000),
    );
    const refused = perRun.reduce((s, p) => s + p.refused, 0);
    process.stdout.write(
      `sync kill -9 x${KILLS}: ${accepted.length} accepted (${rate}/s while running), ${refused} refused ` +
        `(never accepted), 0 lost, ${dead.size} dead-lettered, ${duplicates} duplicates delivered, ` +
        `${recovered} journal entries recovered\n`,
    );
  }, 150_000);
});
