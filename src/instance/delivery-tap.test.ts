import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/helpers/http-server.js';
import type { OffpathConfig } from '../config/config-schema.js';
import type { OffpathEvent } from '../core/event.js';
import { BadRequestError } from '../resilience/errors.js';
import { type MemorySink, memorySink } from '../sinks/memory-sink.js';
import { createOffpath } from './create-offpath.js';
import type { DeliveryTap } from './delivery-tap.js';

/** A tap that follows the events it was given and records what it heard, in order. */
function recordingTap() {
  const followed = new Set<object>();
  const heard: Array<{ what: 'settled' | 'released'; message: string | undefined }> = [];
  const tap: DeliveryTap = {
    follows: (event) => typeof event === 'object' && event !== null && followed.has(event),
    settled: (event) => heard.push({ what: 'settled', message: (event as OffpathEvent).message }),
    released: (event) => heard.push({ what: 'released', message: (event as OffpathEvent).message }),
  };
  const follow = (event: OffpathEvent): OffpathEvent => {
    followed.add(event);
    return event;
  };
  return { tap, heard, follow };
}

/** A destination whose sends wait until `release()` (deliveries stay in flight until then). */
function heldSink(): MemorySink & { release(): void } {
  const sink = memorySink();
  let open: () => void = () => {};
  let gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  sink.respondWith(async () => {
    await gate;
    return { ok: true };
  });
  return Object.assign(sink, {
    release() {
      open();
      gate = Promise.resolve();
    },
  });
}

const custom = (name: string, sink: MemorySink, extra: Record<string, unknown> = {}) =>
  ({
    name,
    type: 'custom',
    sink,
    batch: { maxDelayMs: 1 },
    ...extra,
  }) as OffpathConfig['destinations'][number];

describe('delivery tap', () => {
  it('settles an event only when every destination delivered it', async () => {
    const fast = memorySink();
    const slow = heldSink();
    const { tap, heard, follow } = recordingTap();
    const offpath = createOffpath({ destinations: [custom('fast', fast), custom('slow', slow)] }, { tap });
    offpath.emit(follow({ message: 'both' }));
    offpath.emit({ message: 'not followed' });
    await waitFor(() => fast.records.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard).toEqual([]);
    slow.release();
    await waitFor(() => heard.length > 0);
    expect(heard).toEqual([{ what: 'settled', message: 'both' }]);
    await offpath.close();
  });

  it('counts every outcome as settled: filtered, merged into a digest, dead-lettered', async () => {
    const chat = memorySink();
    const picky = memorySink();
    picky.respondWith(() => ({ ok: false, kind: 'permanent', error: new BadRequestError('no thanks') }));
    const { tap, heard, follow } = recordingTap();
    const offpath = createOffpath(
      {
        destinations: [
          custom('chat', chat, { noise: { cooldownMs: 60_000 } }),
          custom('picky', picky, { minLevel: 'error' }),
        ],
        routes: [
          { destinations: ['chat'], minLevel: 'warn' },
          { destinations: ['picky'], levels: ['error'] },
        ],
      },
      { tap },
    );
    offpath.emit(follow({ level: 'debug', message: 'filtered' }));
    offpath.emit(follow({ level: 'warn', message: 'first', fingerprint: 'f' }));
    offpath.emit(follow({ level: 'warn', message: 'merged', fingerprint: 'f' }));
    offpath.emit(follow({ level: 'error', message: 'dead-lettered' }));
    await waitFor(() => heard.length === 4);
    expect(heard.map((h) => h.message).sort()).toEqual(['dead-lettered', 'filtered', 'first', 'merged']);
    expect(heard.every((h) => h.what === 'settled')).toBe(true);
    // `merged` was settled by the merge: it never went out on its own.
    expect(chat.records.map((r) => r.message).sort()).toEqual(['dead-lettered', 'first']);
    expect(offpath.stats()).toMatchObject({ deadLettered: 1 });
    await offpath.close();
  });

  it("settles at the dead letter; the fallback's copy is the instance's own, with its durable copy in the spool", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offpath-tap-'));
    const spool = { path: join(dir, 'spool.db'), durable: true };
    const picky = memorySink();
    picky.respondWith(() => ({ ok: false, kind: 'permanent', error: new BadRequestError('no thanks') }));
    const backup = heldSink();
    const { tap, heard, follow } = recordingTap();
    const offpath = createOffpath(
      {
        destinations: [
          custom('picky', picky, { fallback: 'backup', fallbackOn: 'dead-letter' }),
          custom('backup', backup),
        ],
        routes: [{ destinations: ['picky'] }],
        spool,
      },
      { tap },
    );
    offpath.emit(follow({ message: 'rejected' }));
    await waitFor(() => heard.length === 1);
    expect(heard).toEqual([{ what: 'settled', message: 'rejected' }]);
    await waitFor(() => backup.sends === 1);
    // While the fallback delivers it, its durable copy is on disk: a crash now would not lose it.
    await offpath.persisted();
    const next = createOffpath({
      destinations: [custom('picky', memorySink()), custom('backup', memorySink())],
      routes: [{ destinations: ['picky'] }],
      spool,
    });
    expect(next.stats().spool?.backlog).toEqual({ backup: 1 });
    await next.close({ timeoutMs: 0 });
    await offpath.close({ timeoutMs: 30 });
  });

  it.each([true, 'sync'] as const)(
    'releases what a shutdown cuts off, and keeps followed events out of the local spool (durable: %s)',
    async (durable) => {
      const dir = mkdtempSync(join(tmpdir(), 'offpath-tap-'));
      const spool = { path: join(dir, 'spool.db'), durable };
      const slow = heldSink();
      const { tap, heard, follow } = recordingTap();
      const offpath = createOffpath({ destinations: [custom('slow', slow)], spool }, { tap });
      offpath.emit(follow({ message: 'cut off' }));
      offpath.emit({ message: 'mine' });
      await waitFor(() => offpath.stats().destinations['slow']?.queueDepth === 0);
      const result = await offpath.close({ timeoutMs: 30 });
      expect(result.complete).toBe(false);
      await waitFor(() => heard.length === 1);
      expect(heard).toEqual([{ what: 'released', message: 'cut off' }]);
      // The next run finds only the event the instance owned (neither spool nor emit journal kept the other).
      const sink = memorySink();
      const next = createOffpath({ destinations: [custom('slow', sink)], spool });
      await next.flush();
      expect(sink.records.map((r) => r.message)).toEqual(['mine']);
      await next.close();
    },
  );
});
