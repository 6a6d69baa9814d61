/**
 * A lane's circuit changes as instance events (`circuit-state`), whichever process changed it when
 * the circuit is shared.
 * @module
 */
import type { OffpathEvents } from '../pipeline/events.js';
import type { TypedEmitter } from '../resilience/typed-emitter.js';
import type { BuiltLaneSpec } from './build-lane.js';

/** Publishes every change of `spec`'s circuit on `events`. */
export function announceCircuit(events: TypedEmitter<OffpathEvents>, spec: BuiltLaneSpec): void {
  spec.breaker.subscribe(({ from, to, at }) => {
    if (events.hasListeners('circuit-state')) {
      events.emit('circuit-state', { destination: spec.name, from, to, at });
    }
  });
}
