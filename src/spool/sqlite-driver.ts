/**
 * better-sqlite3, loaded the first time a spool is opened. It is an optional dependency: an app that
 * configures no spool never loads it (nor pays for its native module), and one that does but lacks
 * the package gets an error that names it and says how to install it.
 * @module
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { ConfigError } from '../resilience/errors.js';

/** The better-sqlite3 `Database` constructor. */
export type SqliteDatabase = typeof BetterSqlite3;

let driver: SqliteDatabase | undefined;

/**
 * The SQLite driver for the spool.
 * @param load resolves a package by name; a seam for the test of a missing package.
 * @throws ConfigError naming `better-sqlite3` when it is not installed or its native build fails.
 */
export function sqliteDriver(
  load: (name: string) => unknown = createRequire(import.meta.url),
): SqliteDatabase {
  if (driver !== undefined) return driver;
  try {
    driver = load('better-sqlite3') as SqliteDatabase;
    return driver;
  } catch (error) {
    const message = `the spool needs the optional package better-sqlite3, which could not be loaded (${(error as Error).message.split('\n')[0]})`;
    throw new ConfigError(
      message,
      [{ path: 'spool', message, hint: 'npm install better-sqlite3, or remove spool' }],
      {
        cause: error,
      },
    );
  }
}
