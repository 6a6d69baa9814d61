/** The source seam: something that turns outside activity into events. @module */
import type { OffpathEvent } from './event.js';

/** Accepts one event; synchronous, never throws; `false` when the event was not accepted. */
export type EmitFn = (event: OffpathEvent) => boolean;

/** A capture source. `attach` starts observing and returns a function that stops it. */
export interface Source {
  readonly name: string;
  attach(emit: EmitFn): () => void;
}
