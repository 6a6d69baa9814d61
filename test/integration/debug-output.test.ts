import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inBatches, runApp } from '../helpers/run-node.js';

describe('OFFPATH_DEBUG', () => {
  it('=1 prints each internal failure as one stderr line; without it, stderr stays silent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offpath-debug-'));
    writeFileSync(join(dir, 'file'), 'a file where the spool directory should be');
    const config = join(dir, 'offpath.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        destinations: [{ name: 'c', type: 'http', url: 'http://127.0.0.1:9/ingest' }],
        spool: { path: join(dir, 'file', 'spool.db') },
      }),
    );
    // The app's own listener throws too: a second failure, of another phase.
    const app = `const offpath = globalThis[Symbol.for('offpath.instance')];
      offpath.on('enqueued', () => { throw new Error('listener bug'); });
      offpath.emit({ level: 'error', message: 'x' });
      await new Promise((r) => setTimeout(r, 100));
      console.log('app ran');`;
    const [debug, quiet] = await inBatches([
      () => runApp(app, { register: true, env: { OFFPATH_CONFIG: config, OFFPATH_DEBUG: '1' } }),
      () => runApp(app, { register: true, env: { OFFPATH_CONFIG: config, OFFPATH_DEBUG: undefined } }),
    ]);
    for (const run of [debug!, quiet!]) {
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('app ran\n');
    }
    const lines = debug!.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^offpath: failure in spool: Error: EEXIST/);
    expect(lines[1]).toBe('offpath: failure in listener: Error: listener bug');
    expect(quiet!.stderr).toBe('');
  }, 60_000);
});
