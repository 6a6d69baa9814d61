import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config-file.js';
import { reconciles } from '../../src/pipeline/ledger.js';
import { startCollectorEmulator } from '../../src/testing/index.js';
import { track } from '../helpers/cleanups.js';
import { startTestRelay, TOKEN, waitFor } from '../helpers/relay.js';

function destination(name: string, url: string) {
  return {
    name,
    type: 'http',
    url,
    batch: { maxSize: 50, maxDelayMs: 5 },
    retry: { initialDelayMs: 5, maxDelayMs: 50 },
    breaker: { failureThreshold: 3, recoveryTimeoutMs: 300 },
  };
}

/** A relay whose config lives in a file the test rewrites. */
async function fileRelay() {
  let path = '';
  let base: Record<string, unknown> = {};
  const t = await startTestRelay(
    (dataDir) => {
      path = join(dataDir, 'offpath.config.json');
      return { spool: { path: join(dataDir, 'spool.db'), durable: true } };
    },
    { loadConfig: () => loadConfigFile(path) },
  );
  base = {
    spool: t.relay.instance.config.spool,
    server: { port: 0, tokens: [TOKEN], dataDir: t.dataDir },
  };
  const write = (config: Record<string, unknown> | string): void =>
    writeFileSync(path, typeof config === 'string' ? config : JSON.stringify({ ...base, ...config }));
  const collectorUrl = `${t.collector.url}/ingest`;
  write({ destinations: [destination('collector', collectorUrl)] });
  const reload = async () => {
    const res = await fetch(`${t.relay.url}/v1/reload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  // The file, not the test's start-up config, is the baseline of every later reload.
  expect((await reload()).status).toBe(200);
  return { ...t, write, reload, collectorUrl };
}

describe('live reload', () => {
  it('keeps the queue and the open breaker of a destination whose config did not change', async () => {
    const { relay, collector, post, write, reload, collectorUrl } = await fileRelay();
    const other = await track(startCollectorEmulator());
    collector.faults.failNext(50, 503);
    for (let i = 0; i < 5; i++) await post('/v1/events', JSON.stringify({ message: `held-${i}` }));
    await waitFor(
      () => relay.instance.stats().destinations['collector']!.circuit === 'open',
      10_000,
      'an open circuit',
    );
    const before = relay.instance.stats().destinations['collector']!;

    write({
      destinations: [destination('collector', collectorUrl), destination('other', `${other.url}/ingest`)],
    });
    const { status, body } = await reload();
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, kept: ['collector'], added: ['other'], changed: [], removed: [] });
    const after = relay.instance.stats().destinations['collector']!;
    expect(after.circuit).toBe('open');
    expect(after.accepted).toBe(before.accepted);
    expect(after.pending).toBe(5);

    collector.faults.clear();
    await waitFor(
      () => new Set(collector.items().map((i) => (i as { message: string }).message)).size === 5,
      20_000,
      'the held events',
    );
    expect(relay.instance.stats().destinations['collector']!.dropped).toBe(0);
  });

  it('applies a valid config and keeps the old one on an invalid one, under load, losing no event', async () => {
    const { relay, collector, post, write, reload, collectorUrl } = await fileRelay();
    const second = await track(startCollectorEmulator());
    const accepted: string[] = [];
    let n = 0;
    let stop = false;
    const producer = (async () => {
      while (!stop) {
        if (relay.server.draining) return;
        const batch = Array.from({ length: 20 }, () => ({ message: `m-${n++}` }));
        const res = await post('/v1/events', JSON.stringify(batch));
        if (res.status === 202) {
          const answer = (await res.json()) as { accepted: number };
          expect(answer.accepted).toBe(20);
          accepted.push(...batch.map((e) => e.message));
        } else {
          expect(res.status).toBe(429);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const waitAccepted = (count: number) =>
      waitFor(() => accepted.length >= count, 20_000, `${count} accepted`);

    await waitAccepted(200);
    write({
      destinations: [destination('collector', collectorUrl), destination('second', `${second.url}/ingest`)],
    });
    expect((await reload()).body).toMatchObject({ ok: true, kept: ['collector'], added: ['second'] });

    await waitAccepted(400);
    write({ destinations: [{ name: 'collector', type: 'http', url: 'not a url' }] });
    const failed = await reload();
    expect(failed.status).toBe(422);
    expect(failed.body['ok']).toBe(false);
    expect(String(failed.body['error'])).toMatch(/url/);
    const ready = await fetch(`${relay.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reasons: Record<string, string> }).reasons['config']).toMatch(
      /last reload failed/,
    );
    expect(await (await fetch(`${relay.url}/metrics`)).text()).toContain(
      'offpath_config_reload_failures_total 1',
    );
    expect(relay.instance.config.destinations.map((d) => d.name)).toEqual(['collector', 'second']);

    await waitAccepted(600);
    write({ destinations: [destination('collector', collectorUrl)] });
    expect((await reload()).body).toMatchObject({ ok: true, kept: ['collector'], removed: ['second'] });
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);

    await waitAccepted(800);
    stop = true;
    await producer;
    await relay.instance.flush({ timeoutMs: 20_000 });
    const delivered = new Set(collector.items().map((i) => (i as { message: string }).message));
    const missing = accepted.filter((m) => !delivered.has(m));
    expect(missing).toEqual([]);
    const stats = relay.instance.stats();
    expect(stats.dropped).toBe(0);
    expect(reconciles(stats)).toBe(true);
    // The retired destination delivered what it held before it was taken out.
    expect(second.items().length).toBeGreaterThan(0);
    expect(stats.pending).toBe(0);
  });

  it('refuses a reload that changes a restart-only setting and says which', async () => {
    const { write, reload, collectorUrl, relay } = await fileRelay();
    write({ destinations: [destination('collector', collectorUrl)], limits: { intakeCapacity: 5 } });
    const { status, body } = await reload();
    expect(status).toBe(422);
    expect(String(body['error'])).toMatch(/cannot change while running[\s\S]*limits: changed/);
    expect(relay.instance.config.limits).toBeUndefined();
  });
});
