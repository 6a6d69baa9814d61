import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { track } from '../../test/helpers/cleanups.js';
import { startServer } from '../../test/helpers/http-server.js';
import type { OffpathConfig } from '../config/config-schema.js';
import type { FailureReport } from '../pipeline/events.js';
import { memorySink } from '../sinks/memory-sink.js';
import { httpSource } from '../sources/http-source.js';
import { processHealth } from '../sources/process-health.js';
import { startCollectorEmulator } from '../testing/emulators/collector/emulator.js';
import { ManualClock } from '../testing/manual-clock.js';
import { createOffpath, type OffpathDependencies } from './create-offpath.js';

/** An instance whose failures are recorded twice: by `onError` and by the `error` event. */
function watched(config: OffpathConfig, deps: OffpathDependencies = {}) {
  const hooked: FailureReport[] = [];
  const heard: FailureReport[] = [];
  const lines: string[] = [];
  const offpath = createOffpath(config, {
    ...deps,
    onError: (error, context) => hooked.push({ error, ...context }),
    env: { OFFPATH_DEBUG: '1' },
    writeDebug: (line) => lines.push(line),
  });
  offpath.on('error', (report) => heard.push(report));
  return { offpath: track(Promise.resolve(offpath)), hooked, heard, lines };
}

const message = (report: FailureReport | undefined): string =>
  (report?.error as Error | undefined)?.message ?? '';

describe('one reporter for internal failures', () => {
  it('listener: a throwing listener reaches onError, the error event and the debug line', async () => {
    const collector = await track(startCollectorEmulator());
    const w = watched({ destinations: [{ name: 'c', type: 'http', url: collector.url }] });
    const offpath = await w.offpath;
    offpath.on('delivered', () => {
      throw new Error('listener bug');
    });
    offpath.emit({ level: 'error', message: 'hello' });
    await offpath.flush();
    expect(collector.items()).toHaveLength(1);
    expect(w.hooked.map((r) => [r.phase, message(r)])).toEqual([['listener', 'listener bug']]);
    expect(w.heard).toEqual(w.hooked);
    expect(w.lines).toEqual(['offpath: failure in listener: Error: listener bug\n']);
  });

  it('an error listener that throws goes to onError once, without a loop and without reaching the host', async () => {
    const w = watched({ destinations: [{ name: 'm', type: 'custom', sink: memorySink() }] });
    const offpath = await w.offpath;
    let calls = 0;
    offpath.on('error', () => {
      calls++;
      throw new Error('error listener bug');
    });
    offpath.on('enqueued', () => {
      throw new Error('first bug');
    });
    offpath.emit({ message: 'x' });
    await offpath.flush();
    expect(calls).toBe(1);
    expect(w.hooked.map((r) => [r.phase, message(r)])).toEqual([
      ['listener', 'first bug'],
      ['listener', 'error listener bug'],
    ]);
    // The error event carried the first failure only: its own listener's failure is not re-emitted.
    expect(w.heard.map(message)).toEqual(['first bug']);
    expect(w.lines).toHaveLength(2);
  });

  it('spool: a spool path that cannot be opened is reported and the instance runs without it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offpath-report-'));
    writeFileSync(join(dir, 'file'), 'a file where a directory should be');
    const sink = memorySink();
    const w = watched({
      destinations: [{ name: 'm', type: 'custom', sink }],
      spool: { path: join(dir, 'file', 'spool.db') },
    });
    const offpath = await w.offpath;
    expect(w.hooked.map((r) => r.phase)).toEqual(['spool']);
    expect(w.hooked[0]!.error).toBeInstanceOf(Error);
    // It happened inside createOffpath; the event followed in a microtask, for the listener added after.
    expect(w.heard).toEqual(w.hooked);
    expect(offpath.stats().spool).toBeUndefined();
    expect(w.lines).toHaveLength(1);
    expect(w.lines[0]).toMatch(/^offpath: failure in spool: .+\n$/);
    offpath.emit({ message: 'still delivered' });
    await offpath.flush();
    expect(sink.records).toHaveLength(1);
  });

  it('sink: a sink that throws during flush is reported with its destination, and retried as a failure', async () => {
    const sink = memorySink();
    sink.respondWith(() => {
      throw new TypeError('sink bug');
    });
    const w = watched({ destinations: [{ name: 'm', type: 'custom', sink, retry: 'noRetry' }] });
    const offpath = await w.offpath;
    offpath.emit({ message: 'x' });
    await offpath.flush({ timeoutMs: 2_000 });
    expect(w.hooked.map((r) => [r.phase, r.destination, message(r)])).toEqual([['sink', 'm', 'sink bug']]);
    expect(w.heard).toEqual(w.hooked);
    expect(w.lines).toEqual(['offpath: failure in sink (m): TypeError: sink bug\n']);
    expect(offpath.stats().destinations['m']!.delivered).toBe(0);
  });

  it('close: a sink whose close() rejects is reported with its destination', async () => {
    const sink = { ...memorySink(), close: () => Promise.reject(new Error('close bug')) };
    const w = watched({ destinations: [{ name: 'm', type: 'custom', sink }] });
    const offpath = await w.offpath;
    await offpath.close();
    expect(w.hooked.map((r) => [r.phase, r.destination, message(r)])).toEqual([['close', 'm', 'close bug']]);
    expect(w.heard).toEqual(w.hooked);
  });

  it('attach: a source whose attach throws is reported and does nothing', async () => {
    const w = watched({ destinations: [{ name: 'm', type: 'custom', sink: memorySink() }] });
    const offpath = await w.offpath;
    const detach = offpath.attach({
      name: 'broken',
      attach() {
        throw new Error('attach bug');
      },
    });
    detach();
    expect(w.hooked.map((r) => [r.phase, message(r)])).toEqual([['attach', 'attach bug']]);
    expect(w.heard).toEqual(w.hooked);
  });

  it('source: an attached source that fails while capturing is reported (process health whose reading throws)', async () => {
    const clock = new ManualClock();
    const w = watched({ destinations: [{ name: 'm', type: 'custom', sink: memorySink() }] }, { clock });
    const offpath = await w.offpath;
    const detach = offpath.attach(
      processHealth({
        clock,
        intervalMs: 1_000,
        read: {
          eventLoopP99Ms: () => {
            throw new Error('reading bug');
          },
          heapUsed: () => 0,
        },
      }),
    );
    clock.advance(1_000);
    clock.advance(1_000);
    detach();
    // The source keeps ticking after a failure, and the host never saw a throw.
    expect(w.hooked.map((r) => [r.phase, message(r)])).toEqual([
      ['source', 'reading bug'],
      ['source', 'reading bug'],
    ]);
    expect(w.heard).toEqual(w.hooked);
  });

  it("source: a capture subscriber that fails inside the app's request reaches both onErrors, not the app", async () => {
    const server = await track(startServer());
    const w = watched({ destinations: [{ name: 'm', type: 'custom', sink: memorySink() }] });
    const offpath = await w.offpath;
    const own: unknown[] = [];
    const detach = offpath.attach(
      httpSource({
        sampleRate: 0.5,
        random: () => {
          throw new Error('random bug');
        },
        onError: (error) => own.push(error),
      }),
    );
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(`${server.url}/orders`, (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)))
        .on('error', reject);
    });
    detach();
    expect(status).toBe(200);
    expect(own.map((e) => (e as Error).message)).toEqual(['random bug']);
    expect(w.hooked.map((r) => [r.phase, message(r)])).toEqual([['source', 'random bug']]);
    expect(w.heard).toEqual(w.hooked);
  });

  it('a throwing onError does not stop the error event, nor reach the host', async () => {
    const heard: FailureReport[] = [];
    const offpath = await track(
      Promise.resolve(
        createOffpath(
          { destinations: [{ name: 'm', type: 'custom', sink: memorySink() }] },
          {
            onError: () => {
              throw new Error('hook bug');
            },
          },
        ),
      ),
    );
    offpath.on('error', (r) => heard.push(r));
    offpath.attach({
      name: 'broken',
      attach() {
        throw new Error('attach bug');
      },
    });
    expect(heard.map(message)).toEqual(['attach bug']);
  });

  it('OFFPATH_DEBUG is read once, at creation, and only "1" turns it on', async () => {
    const env: Record<string, string | undefined> = { OFFPATH_DEBUG: 'true' };
    const lines: string[] = [];
    const offpath = await track(
      Promise.resolve(
        createOffpath(
          { destinations: [{ name: 'm', type: 'custom', sink: memorySink() }] },
          { env, writeDebug: (line) => lines.push(line) },
        ),
      ),
    );
    env['OFFPATH_DEBUG'] = '1';
    offpath.attach({
      name: 'broken',
      attach() {
        throw new Error('attach bug');
      },
    });
    expect(lines).toEqual([]);
  });
});
