import { describe, expect, it } from 'vitest';
import { ConfigError } from '../resilience/errors.js';
import { sqliteDriver } from './sqlite-driver.js';

describe('sqliteDriver', () => {
  it('names the package and how to install it when better-sqlite3 is missing', () => {
    const missing = (name: string): never => {
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    };
    let thrown: unknown;
    try {
      sqliteDriver(missing);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.message).toContain('better-sqlite3');
    expect(error.issues[0]).toMatchObject({
      path: 'spool',
      hint: expect.stringContaining('npm install better-sqlite3'),
    });
  });

  it('loads the installed driver, which opens a database', () => {
    const Database = sqliteDriver();
    const db = new Database(':memory:');
    expect(db.prepare('SELECT 1 + 1 AS n').get()).toEqual({ n: 2 });
    db.close();
  });
});
