/** The source seam: something that turns outside activity into events. @module */
import type { OffpathEvent } from './event.js';

/** Accepts one event; synchronous, never throws; `false` when the event was not accepted. */
export type EmitFn = (event: OffpathEvent) => boolean;

/** Receives a failure of a source while it captures; never throws. */
export type SourceFailureFn = (error: unknown) => void;

/**
 * A capture source. `attach` starts observing and returns a function that stops it. An instance
 * passes `report`: the source's own failures go there (besides its `onError` option), so they reach
 * the instance's `onError` and `error` event.
 */
export interface Source {
  readonly name: string;
  attach(emit: EmitFn, report?: SourceFailureFn): () => void;
}
