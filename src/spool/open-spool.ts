/**
 * Opening the spool file safely. A file that is not an offpath spool (damaged, truncated, another
 * program's database, a newer schema) is moved aside and a fresh spool is created in its place, so the
 * host keeps running; the caller learns what was moved and why.
 * @module
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { SPOOL_APPLICATION_ID, SPOOL_SCHEMA_VERSION, SpoolStore } from './spool-store.js';
import { sqliteDriver } from './sqlite-driver.js';

/** A spool file that could not be used and was renamed. */
export interface MovedAside {
  /** Where the unusable file now is. */
  readonly movedTo: string;
  readonly reason: string;
}

/** The opened store, and what happened to an unusable file if there was one. */
export interface OpenedSpool {
  readonly store: SpoolStore;
  readonly movedAside?: MovedAside;
}

const SQLITE_HEADER = 'SQLite format 3\0';

/** Why an existing file cannot be used as this version's spool, or undefined when it can. */
function inspect(path: string): string | undefined {
  if (!existsSync(path) || statSync(path).size === 0) return undefined;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_HEADER) return 'not a SQLite database';
  let db: Database.Database | undefined;
  try {
    db = new (sqliteDriver())(path, { fileMustExist: true });
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = (
      db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }
    ).n;
    if (appId !== SPOOL_APPLICATION_ID && !(appId === 0 && tables === 0))
      return 'a SQLite file of another program';
    if (version > SPOOL_SCHEMA_VERSION) return `written by a newer offpath (schema ${version})`;
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') return `damaged (${check})`;
    return undefined;
  } catch (error) {
    return `unreadable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    db?.close();
  }
}

function moveAside(path: string, now: number): string {
  const target = `${path}.corrupt-${now}`;
  renameSync(path, target);
  // The WAL and shared-memory files belong to the moved database; a fresh one must not replay them.
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  }
  return target;
}

/**
 * Opens (or creates) the spool at `path` in WAL mode. Never throws for a bad file: it is moved to
 * `<path>.corrupt-<time>` and reported in the result. Throws only when the directory is unusable.
 */
export function openSpool(path: string, now: number = Date.now()): OpenedSpool {
  mkdirSync(dirname(path), { recursive: true });
  const problem = inspect(path);
  const movedAside = problem === undefined ? undefined : { movedTo: moveAside(path, now), reason: problem };
  const db = new (sqliteDriver())(path);
  db.pragma('journal_mode = WAL');
  // WAL with NORMAL is durable across process crashes (kill -9); only a power loss may lose the last commit.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 2000');
  const store = new SpoolStore(path, db);
  return movedAside ? { store, movedAside } : { store };
}

/**
 * Opens an existing spool for inspection and maintenance (the CLI): nothing is created or moved;
 * a missing or unusable file is described instead.
 */
export function openExistingSpool(path: string): { store: SpoolStore } | { problem: string } {
  if (!existsSync(path)) return { problem: `no spool at ${path}` };
  const problem = inspect(path);
  if (problem !== undefined) return { problem: `${path} is not a usable spool: ${problem}` };
  const db = new (sqliteDriver())(path, { fileMustExist: true });
  db.pragma('busy_timeout = 2000');
  return { store: new SpoolStore(path, db) };
}
