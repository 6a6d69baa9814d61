import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.js';
import { reconciles } from '../../src/index.js';

describe('offpath demo', () => {
  it('runs end to end: every event accounted for, the collector outage ridden out through the spool', async () => {
    const lines: string[] = [];
    const { stats, ok, dir, kept } = await runDemo({
      requests: 40,
      intervalMs: 40,
      print: (l) => lines.push(l),
    });
    expect(ok).toBe(true);
    // Its temporary folder is gone at the end.
    expect(kept).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect(reconciles(stats)).toBe(true);
    expect(stats.destinations['collector']).toMatchObject({ accepted: 40, delivered: 40, dropped: 0 });
    expect(stats.spool?.committed).toBeGreaterThan(0);
    expect(Object.values(stats.spool?.backlog ?? {}).every((n) => n === 0)).toBe(true);
    const text = lines.join('\n');
    expect(text).toContain('collector goes down');
    expect(text).toContain('responses 429 from any platform: 0');
    expect(text).not.toContain('demo-secret-');
  });

  it('keeps its folder with --keep, with the audit file in it', async () => {
    const { ok, dir, kept } = await runDemo({ requests: 3, intervalMs: 0, keep: true, print: () => {} });
    try {
      expect(ok).toBe(true);
      expect(kept).toBe(true);
      expect(existsSync(`${dir}/events.ndjson`)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
