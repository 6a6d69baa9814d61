import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type CollectorEmulator, startCollectorEmulator } from '../../src/testing/index.js';

const CHILD = join(import.meta.dirname, '../fixtures/sync-durable-child.ts');
const KILLS = 5;

interface Child {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<void>;
  /** Resolves with the first line matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
}

function start(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  return {
    child,
    lines,
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
    line: (pattern) =>
      new Promise((resolve) => {
        const seen = lines.find((l) => pattern.test(l));
        if (seen) resolve(seen);
        else waiters.push({ pattern, resolve });
      }),
  };
}

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
  const final = start({ ...env, RUN: 'final', EMIT: '0' });
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
      const child = start({ ...env, RUN: durable, KILL_SELF_AFTER: '500' });
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
    let seed = 11;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const perRun: Array<{ accepted: number; ms: number; refused: number }> = [];
    let recovered = 0;
    for (let r = 0; r < KILLS; r++) {
      const before = acceptedIds(dir.accepted).length;
      const run = start({ ...env, RUN: String(r) });
      recovered += Number((await run.line(/^recovered \d+$/)).split(' ')[1]);
      await run.line(/^ready$/);
      const started = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1_000));
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
    // Enough load for the kills to land mid-flight: thousands of events per run.
    expect(perRun.every((p) => p.accepted > 1_000)).toBe(true);
    const refused = perRun.reduce((s, p) => s + p.refused, 0);
    process.stdout.write(
      `sync kill -9 x${KILLS}: ${accepted.length} accepted (${rate}/s while running), ${refused} refused ` +
        `(never accepted), 0 lost, ${dead.size} dead-lettered, ${duplicates} duplicates delivered, ` +
        `${recovered} journal entries recovered\n`,
    );
  }, 150_000);
});
