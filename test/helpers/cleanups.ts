/**
 * Test lifecycle helpers: servers and instances a test starts are closed after it, newest first,
 * whether it passed or not.
 */
import { createServer } from 'node:net';
import { afterEach } from 'vitest';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Runs `fn` after the current test. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/** Awaits something closable and closes it after the current test. */
export async function track<T extends { close(): Promise<unknown> }>(thing: T | Promise<T>): Promise<T> {
  const t = await thing;
  cleanups.push(() => t.close());
  return t;
}

/** A port nothing listens on: opened, read and closed again. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
