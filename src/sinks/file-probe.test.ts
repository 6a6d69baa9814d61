import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeFile } from './file-probe.js';

let dir: string;
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  dir = mkdtempSync(join(tmpdir(), 'offpath-probe-'));
  return dir;
}

describe('probeFile', () => {
  it('accepts an existing file, or the nearest existing directory of a path still to create', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'app.log'), '');
    expect(await probeFile(join(root, 'app.log'))).toEqual({ status: 'ok', detail: 'the file is writable' });
    expect(await probeFile(join(root, 'logs', 'today', 'app.log'))).toEqual({
      status: 'ok',
      detail: `directory ${root} is writable`,
    });
  });

  it('refuses a directory in place of the file and a file in place of a directory', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'app.log'));
    writeFileSync(join(root, 'plain'), '');
    expect(await probeFile(join(root, 'app.log'))).toEqual({
      status: 'failed',
      detail: `${join(root, 'app.log')} is a directory`,
    });
    expect(await probeFile(join(root, 'plain', 'sub', 'app.log'))).toEqual({
      status: 'failed',
      detail: `${join(root, 'plain')} is not a directory`,
    });
  });
});
