/**
 * Opening the emit journal of strict durable mode: first recover what earlier runs left into the
 * spool, then start this run's own segment.
 * @module
 */
import { recoverJournal } from './recover-journal.js';
import type { SpoolStore } from './spool-store.js';
import { SyncJournal } from './sync-journal.js';

/** The journal directory beside a spool file. */
export function emitJournalDir(spoolPath: string): string {
  return `${spoolPath}.emit-journal`;
}

/**
 * Recovers earlier runs' entries into `store` (their TTL counted from when they were accepted) and
 * opens this run's journal. Throws when the directory cannot be used.
 */
export function openEmitJournal(
  spoolPath: string,
  store: SpoolStore,
  settings: { readonly now: number; readonly ttlMs: number },
): SyncJournal {
  const dir = emitJournalDir(spoolPath);
  const recovery = recoverJournal(dir, store, { ttlMs: settings.ttlMs });
  return new SyncJournal(dir, { startedAt: settings.now, recovery });
}
