import { describe, expect, it } from 'vitest';
import { startServer, waitFor } from '../../test/helpers/http-server.js';
import { reconciles } from '../pipeline/ledger.js';
import { ConfigError } from '../resilience/errors.js';
import { memorySink } from '../sinks/memory-sink.js';
import { createOffpath } from './create-offpath.js';

describe('createOffpath', () => {
  it('validates synchronously and explains the problem', () => {
    expect(() => createOffpath({ destinations: [{ name: 'x', type: 'http', url: 'ftp://nope' }] })).toThrow(
      ConfigError,
    );
  });

  it('delivers emitted events, redacted, and the ledger reconciles', async () => {
    const sink = memorySink();
    const offpath = createOffpath({ destinations: [{ name: 'mem', type: 'custom', sink }] });
    expect(
      offpath.emit({
        level: 'error',
        message: 'login failed for bob@example.com',
        fields: { password: 'hunter2' },
      }),
    ).toBe(true);
    const result = await offpath.flush();
    expect(result).toEqual({ complete: true, pending: 0, cutOff: 0 });
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({
      level: 'error',
      message: 'login failed for [REDACTED:email]',
      fields: { password: '[REDACTED:secret]' },
    });
    const stats = offpath.stats();
    expect(stats).toMatchObject({ emitted: 1, accepted: 1, delivered: 1, pending: 0 });
    expect(stats.destinations['mem']).toMatchObject({
      accepted: 1,
      delivered: 1,
      state: 'active',
      circuit: 'closed',
    });
    expect(reconciles(stats)).toBe(true);
    await offpath.close();
  });

  it('routes by level and counts events no route wanted as dropped:filtered', async () => {
    const ops = memorySink();
    const all = memorySink();
    const offpath = createOffpath({
      destinations: [
        { name: 'ops', type: 'custom', sink: ops },
        { name: 'all', type: 'custom', sink: all },
      ],
      routes: [
        { destinations: ['ops'], minLevel: 'error' },
        { destinations: ['all'], kinds: ['log'] },
      ],
    });
    offpath.emit({ level: 'info', message: 'a' });
    offpath.emit({ level: 'error', message: 'b' });
    offpath.emit({ level: 'info', kind: 'alert', message: 'c' });
    await offpath.flush();
    expect(ops.records.map((r) => r.message)).toEqual(['b']);
    expect(all.records.map((r) => r.message)).toEqual(['a', 'b']);
    const stats = offpath.stats();
    expect(stats).toMatchObject({ emitted: 3, accepted: 4, delivered: 3, droppedBy: { filtered: 1 } });
    expect(reconciles(stats)).toBe(true);
    await offpath.close();
  });

  it('refuses events once closed, and close is idempotent', async () => {
    const offpath = createOffpath({ destinations: [{ name: 'mem', type: 'memory' }] });
    const first = offpath.close();
    expect(offpath.close()).toBe(first);
    await first;
    expect(offpath.emit({ message: 'late' })).toBe(false);
    expect(offpath.stats()).toMatchObject({ refused: 1, refusedBy: { closed: 1 } });
  });

  it('refuses beyond the intake capacity and counts it', () => {
    const offpath = createOffpath({
      destinations: [{ name: 'mem', type: 'memory' }],
      limits: { intakeCapacity: 3 },
    });
    const results = Array.from({ length: 5 }, () => offpath.emit({ message: 'x' }));
    expect(results).toEqual([true, true, true, false, false]);
    expect(offpath.stats()).toMatchObject({ emitted: 3, refusedBy: { queue_full: 2 } });
  });

  it('posts batches to an HTTP collector with an idempotency key', async () => {
    const server = await startServer((_req, res) => res.writeHead(202).end());
    const offpath = createOffpath({
      destinations: [
        {
          name: 'collector',
          type: 'http',
          url: `${server.url}/ingest`,
          format: 'ndjson',
          batch: { maxSize: 10, maxDelayMs: 10 },
        },
      ],
    });
    for (let i = 0; i < 25; i++) offpath.emit({ message: `event ${i}` });
    await offpath.flush();
    const lines = server.received.flatMap((r) =>
      r.body
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).message),
    );
    // Several requests in flight: every event once, whatever order the batches arrived in.
    expect(lines.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `event ${i}`).sort());
    expect(
      server.received.every(
        (r) =>
          r.headers['content-type'] === 'application/x-ndjson' &&
          typeof r.headers['idempotency-key'] === 'string',
      ),
    ).toBe(true);
    expect(new Set(server.received.map((r) => r.headers['idempotency-key'])).size).toBe(
      server.received.length,
    );
    await offpath.close();
    await server.close();
  });

  it('a destination that never answers does not slow delivery to a healthy one', async () => {
    const blackHole = await startServer(() => {});
    const healthy = await startServer((_req, res) => res.writeHead(200).end());
    const offpath = createOffpath({
      destinations: [
        {
          name: 'dead',
          type: 'http',
          url: blackHole.url,
          sendTimeoutMs: 60_000,
          batch: { maxSize: 1, maxDelayMs: 0 },
        },
        { name: 'ok', type: 'http', url: healthy.url, batch: { maxSize: 1, maxDelayMs: 0 } },
      ],
    });
    const latencies: number[] = [];
    offpath.on('delivered', (e) => {
      if (e.destination === 'ok') latencies.push(e.latencyMs);
    });
    const start = Date.now();
    for (let i = 0; i < 20; i++) {
      offpath.emit({ message: `m${i}` });
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => healthy.received.length === 20, 5_000, 'healthy deliveries');
    expect(Date.now() - start).toBeLessThan(3_000);
    expect(Math.max(...latencies)).toBeLessThan(500);
    // It holds no more than its requests in flight (4 by default), however long it stays silent.
    expect(blackHole.received.length).toBe(4);
    const closing = await offpath.close({ timeoutMs: 200 });
    expect(closing).toEqual({ complete: false, pending: 0, cutOff: 20 });
    expect(offpath.stats().destinations['dead']).toMatchObject({ accepted: 20, droppedBy: { shutdown: 20 } });
    await blackHole.close();
    await healthy.close();
  });
});

describe('the global memory budget', () => {
  it('sheds the lowest levels first across lanes when exceeded', async () => {
    const stuck = () => {
      const sink = memorySink();
      sink.respondWith(() => new Promise(() => {}));
      return sink;
    };
    const offpath = createOffpath({
      destinations: [
        { name: 'a', type: 'custom', sink: stuck(), queue: { maxItems: 10_000 }, sendTimeoutMs: 600_000 },
        { name: 'b', type: 'custom', sink: stuck(), queue: { maxItems: 10_000 }, sendTimeoutMs: 600_000 },
      ],
      limits: { memoryBudgetBytes: 200_000 },
    });
    for (let i = 0; i < 300; i++)
      offpath.emit({ level: i % 3 === 0 ? 'error' : 'debug', message: 'x'.repeat(500) });
    await waitFor(() => offpath.stats().emitted === 300 && offpath.stats().accepted === 600);
    const stats = offpath.stats();
    expect(stats.droppedBy.memory).toBeGreaterThan(0);
    expect(stats.memoryBytes).toBeLessThanOrEqual(200_000);
    expect(reconciles(stats)).toBe(true);
    await offpath.close({ timeoutMs: 10 });
    expect(reconciles(offpath.stats())).toBe(true);
  });
});
