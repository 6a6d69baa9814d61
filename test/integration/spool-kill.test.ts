import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollectorEmulator } from '../../src/testing/index.js';

const CHILD = join(import.meta.dirname, '../fixtures/durable-child.ts');
const KILLS = 5;
const BATCH = 20;

interface Run {
  readonly child: ChildProcess;
  /** Highest event number reported as persisted. */
  persisted: number;
  /** Highest event number emitted. */
  emitted: number;
  readonly lines: string[];
  readonly exited: Promise<void>;
}

function start(env: Record<string, string>, onLine: (line: string, run: Run) => void): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const run: Run = {
    child,
    persisted: -1,
    emitted: -1,
    lines: [],
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    run.lines.push(line);
    const m = /^persisted (\d+)$/.exec(line);
    if (m) run.persisted = Number(m[1]);
    const e = /^emitted (\d+)$/.exec(line);
    if (e) run.emitted = Number(e[1]);
    onLine(line, run);
  });
  return run;
}

const collectorPromise = startCollectorEmulator();
afterAll(async () => (await collectorPromise).close());

describe('durable spool across kill -9', () => {
  it('delivers every persisted event at least once after restarts, with duplicates bounded by one batch per kill', async () => {
    const collector = await collectorPromise;
    collector.faults.latencyMs = 15; // deliveries are in flight when the kill lands
    const spoolPath = join(mkdtempSync(join(tmpdir(), 'offpath-kill-')), 'spool.db');
    const env = { COLLECTOR_URL: collector.url, SPOOL_PATH: spoolPath };
    const persisted: number[] = [];
    const emitted: number[] = [];
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let r = 0; r < KILLS; r++) {
      let ready!: () => void;
      const isReady = new Promise<void>((resolve) => {
        ready = resolve;
      });
      // The kill lands at a random moment after the first commit, however slow the machine is to start.
      const run = start({ ...env, RUN: String(r) }, (line) => line.startsWith('persisted ') && ready());
      await isReady;
      await new Promise((resolve) => setTimeout(resolve, 200 + random() * 600));
      run.child.kill('SIGKILL');
      await run.exited;
      expect(run.persisted).toBeGreaterThan(0);
      persisted.push(run.persisted);
      emitted.push(run.emitted);
    }
    collector.faults.latencyMs = 0;
    const final = start({ ...env, RUN: 'final', EMIT: '0' }, () => {});
    await final.exited;
    expect(final.lines).toEqual(['drained']);

    const counts = new Map<string, number>();
    for (const item of collector.items()) {
      const m = (item as { message: string }).message;
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    const missing: string[] = [];
    persisted.forEach((last, r) => {
      for (let n = 0; n <= last; n++) if (!counts.has(`r${r}-${n}`)) missing.push(`r${r}-${n}`);
    });
    expect(missing).toEqual([]);
    const duplicates = [...counts.values()].reduce((sum, c) => sum + c - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(KILLS * BATCH);
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
