/**
 * Opens the configured spool for an instance. A spool that cannot be opened (unwritable directory)
 * is reported and the instance runs without one; records that would have gone there are counted as
 * drops. Pending write-behind rows are committed when the process exits without `close()`.
 * @module
 */
import type { ValidConfig } from '../config/config-schema.js';
import type { OffpathEvents } from '../pipeline/events.js';
import type { Clock } from '../resilience/clock.js';
import type { TypedEmitter } from '../resilience/typed-emitter.js';
import { openSpool } from '../spool/open-spool.js';
import { Spool } from '../spool/spool.js';

/** An open spool and how to close it (removing its exit hook). */
export interface InstanceSpool {
  readonly spool: Spool;
  close(): void;
}

export function openInstanceSpool(
  config: NonNullable<ValidConfig['spool']>,
  deps: {
    clock: Clock;
    redactText: (text: string) => string;
    events: TypedEmitter<OffpathEvents>;
    onError?: ((error: unknown, context: { phase: string }) => void) | undefined;
  },
): InstanceSpool | undefined {
  let spool: Spool;
  try {
    const { store, movedAside } = openSpool(config.path, deps.clock.now());
    spool = new Spool(store, config, {
      clock: deps.clock,
      redactText: deps.redactText,
      movedAside,
      onError: (error) => deps.onError?.(error, { phase: 'spool' }),
    });
  } catch (error) {
    deps.onError?.(error, { phase: 'spool' });
    return undefined;
  }
  spool.onDeadLettersEvicted((evicted) => {
    if (deps.events.hasListeners('dead-letters-evicted')) deps.events.emit('dead-letters-evicted', evicted);
  });
  // Synchronous by nature: 'exit' is the last moment to commit what the write-behind still holds.
  const onExit = (): void => {
    try {
      spool.flushSync();
    } catch {
      // The process is going away; there is nobody left to tell.
    }
  };
  process.on('exit', onExit);
  return {
    spool,
    close() {
      process.off('exit', onExit);
      spool.close();
    },
  };
}
