/**
 * Opens the configured spool for an instance, and in strict durable mode its emit journal (after
 * recovering what earlier runs left in it). A spool that cannot be opened (unwritable directory)
 * is reported and the instance runs without one; records that would have gone there are counted as
 * drops. Pending write-behind rows are committed when the process exits without `close()`.
 * @module
 */
import type { ValidConfig } from '../config/config-schema.js';
import type { OffpathEvents, ReportFailure } from '../pipeline/events.js';
import type { Clock } from '../resilience/clock.js';
import type { TypedEmitter } from '../resilience/typed-emitter.js';
import { openEmitJournal } from '../spool/open-emit-journal.js';
import { openSpool } from '../spool/open-spool.js';
import { Spool } from '../spool/spool.js';
import { SPOOL_DEFAULTS } from '../spool/spool-options.js';
import type { SyncJournal } from '../spool/sync-journal.js';

/** An open spool and how to close it (removing its exit hook). */
export interface InstanceSpool {
  readonly spool: Spool;
  /** The emit journal, in strict durable mode (`durable: 'sync'`). */
  readonly journal: SyncJournal | undefined;
  close(): void;
}

export function openInstanceSpool(
  config: NonNullable<ValidConfig['spool']>,
  deps: {
    clock: Clock;
    redactText: (text: string) => string;
    events: TypedEmitter<OffpathEvents>;
    report: ReportFailure;
  },
): InstanceSpool | undefined {
  let spool: Spool;
  let journal: SyncJournal | undefined;
  try {
    const now = deps.clock.now();
    const { store, movedAside } = openSpool(config.path, now);
    try {
      journal =
        config.durable === 'sync'
          ? openEmitJournal(config.path, store, { now, ttlMs: config.ttlMs ?? SPOOL_DEFAULTS.ttlMs })
          : undefined;
    } catch (error) {
      store.close();
      throw error;
    }
    spool = new Spool(store, config, {
      clock: deps.clock,
      redactText: deps.redactText,
      movedAside,
      onError: (error) => deps.report(error, { phase: 'spool' }),
      journal,
    });
  } catch (error) {
    deps.report(error, { phase: 'spool' });
    return undefined;
  }
  spool.onDeadLettersEvicted((evicted) => {
    if (deps.events.hasListeners('dead-letters-evicted')) deps.events.emit('dead-letters-evicted', evicted);
  });
  // Synchronous by nature: 'exit' is the last moment to commit what the write-behind still holds.
  // The reporter is synchronous too, so onError and OFFPATH_DEBUG still hear of a failed commit.
  const onExit = (): void => {
    try {
      spool.flushSync();
    } catch (error) {
      deps.report(error, { phase: 'exit' });
    }
  };
  process.on('exit', onExit);
  return {
    spool,
    journal,
    close() {
      process.off('exit', onExit);
      spool.close();
    },
  };
}
