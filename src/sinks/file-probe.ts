/**
 * Checks a file destination without writing: the file, or the nearest directory that exists on its
 * path (the sink creates the missing ones), must be writable.
 * @module
 */
import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ProbeOutcome } from '../core/sink.js';

/** Never throws. */
export async function probeFile(path: string): Promise<ProbeOutcome> {
  const file = await statOf(path);
  if (file) {
    if (file.isDirectory()) return { status: 'failed', detail: `${path} is a directory` };
    return writable(path, 'the file');
  }
  let dir = dirname(path);
  let info = await statOf(dir);
  while (!info && dirname(dir) !== dir) {
    dir = dirname(dir);
    info = await statOf(dir);
  }
  if (!info?.isDirectory()) return { status: 'failed', detail: `${dir} is not a directory` };
  return writable(dir, `directory ${dir}`);
}

async function writable(path: string, what: string): Promise<ProbeOutcome> {
  try {
    await access(path, constants.W_OK);
    return { status: 'ok', detail: `${what} is writable` };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { status: 'failed', detail: `cannot write to ${path} (${String(code ?? error)})` };
  }
}

async function statOf(path: string): Promise<Stats | undefined> {
  return stat(path).catch(() => undefined);
}
