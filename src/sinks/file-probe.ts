/**
 * Checks a file destination without writing: the file, or the nearest directory that exists on its
 * path (the sink creates the missing ones), must be writable.
 * @module
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ProbeOutcome } from '../core/sink.js';

/** Never throws. */
export async function probeFile(path: string): Promise<ProbeOutcome> {
  let target = path;
  while (!(await exists(target))) {
    const parent = dirname(target);
    if (parent === target) break;
    target = parent;
  }
  try {
    await access(target, constants.W_OK);
    const what = target === path ? 'the file' : `directory ${target}`;
    return { status: 'ok', detail: `${what} is writable` };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { status: 'failed', detail: `cannot write to ${target} (${String(code ?? error)})` };
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
