/**
 * Optional system tools for tests (zsh, curl, chromium). A test that needs one runs when it is
 * installed. On a developer's machine without it, the test is reported as skipped and a line on
 * stderr says what to install; under `CI=true` (CI installs every tool) its absence is a failure,
 * so CI always runs the real check.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { expect, it } from 'vitest';

/** The tool's absolute path on PATH, or undefined when it is not installed. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Looks the tool up once for a test file. When it is missing, registers a failing test under CI and
 * prints a skip notice otherwise; the caller guards its own tests with `it.runIf(tool !== undefined)`.
 */
export function optionalTool(name: string, installHint: string): string | undefined {
  const path = findTool(name);
  if (path !== undefined) return path;
  if (process.env['CI'] === 'true') {
    it(`has ${name} under CI`, () => {
      expect.fail(`${name} is missing; CI installs it (${installHint})`);
    });
  } else {
    process.stderr.write(`skipping the tests that need ${name}: it is not installed (${installHint})\n`);
  }
  return undefined;
}
