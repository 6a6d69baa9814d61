/**
 * Several offpath instances, each in a process of its own (test/fixtures/coordinated-instance.ts),
 * driven by lines on stdin and read back as JSON lines: for the tests that prove what coordination
 * shares between processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { OffpathConfig } from '../../src/index.js';
import type { LedgerSnapshot } from '../../src/pipeline/ledger.js';
import { onCleanup } from './cleanups.js';

const CHILD = fileURLToPath(new URL('../fixtures/coordinated-instance.ts', import.meta.url));

/** A JSON line a child printed. */
export interface ChildLine {
  readonly type: 'ready' | 'state' | 'circuit' | 'error' | 'host-error' | 'flushed' | 'closed';
  readonly stats?: LedgerSnapshot & { readonly destinations: Readonly<Record<string, LedgerSnapshot>> };
  readonly from?: string;
  readonly to?: string;
  readonly at?: number;
  readonly phase?: string;
  readonly message?: string;
}

/** One running instance process. */
export interface InstanceProcess {
  readonly tag: string;
  readonly lines: ChildLine[];
  send(command: string): void;
  /** Resolves with the first line (printed so far or later) of `type` that `where` accepts. */
  next(type: ChildLine['type'], where?: (line: ChildLine) => boolean): Promise<ChildLine>;
}

/** Starts `count` processes on `config` and waits until each is ready (coordination `shared`). */
export async function startInstances(
  count: number,
  config: OffpathConfig,
  options: { waitShared?: boolean } = {},
): Promise<InstanceProcess[]> {
  const all = Array.from({ length: count }, (_, i) => startOne(`p${i}`, config, options.waitShared ?? true));
  await Promise.all(all.map((p) => p.next('ready')));
  return all;
}

function startOne(tag: string, config: OffpathConfig, waitShared: boolean): InstanceProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, CONFIG: JSON.stringify(config), WAIT_SHARED: waitShared ? '1' : '0' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  onCleanup(() => child.kill('SIGKILL'));
  const lines: ChildLine[] = [];
  const waiters: Array<{ accept: (line: ChildLine) => boolean; resolve: (line: ChildLine) => void }> = [];
  let exited: Error | undefined;
  const failWaiters: Array<(error: Error) => void> = [];
  child.on('exit', (code) => {
    exited = new Error(`instance ${tag} exited with ${code}`);
    for (const fail of failWaiters.splice(0)) fail(exited);
  });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    if (!text.startsWith('{')) return;
    const line = JSON.parse(text) as ChildLine;
    lines.push(line);
    for (const w of waiters.filter((w) => w.accept(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  return {
    tag,
    lines,
    send: (command) => child.stdin!.write(`${command}\n`),
    next: (type, where = () => true) =>
      new Promise((resolve, reject) => {
        const accept = (line: ChildLine) => line.type === type && where(line);
        const seen = lines.find(accept);
        if (seen) return resolve(seen);
        if (exited) return reject(exited);
        waiters.push({ accept, resolve });
        failWaiters.push(reject);
      }),
  };
}

/** Every process's final ledger of `destination`, after `close`. */
export async function closeAll(
  processes: readonly InstanceProcess[],
  destination: string,
): Promise<LedgerSnapshot[]> {
  for (const p of processes) p.send('close');
  const closed = await Promise.all(processes.map((p) => p.next('closed')));
  return closed.map((line) => line.stats!.destinations[destination]!);
}
