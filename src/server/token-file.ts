/**
 * A generated token for a service that was given none: created once in the data directory with mode
 * 0600 (directory 0700) and read back on later starts, so `curl -H "Authorization: Bearer $(cat …)"`
 * works and the token itself is never printed or logged.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the token file inside the data directory. */
export const TOKEN_FILE_NAME = 'token';

/** Reads `<dataDir>/token`, creating it (and the directory) first when absent. */
export function ensureTokenFile(dataDir: string): {
  readonly path: string;
  readonly token: string;
  readonly created: boolean;
} {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, TOKEN_FILE_NAME);
  try {
    const token = readFileSync(path, 'utf8').trim();
    if (token.length >= 16) {
      // Someone may have loosened it; a token readable by others is no secret.
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
      return { path, token, created: false };
    }
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { path, token, created: true };
}
