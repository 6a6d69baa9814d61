/**
 * Which stream entries this replica is delivering, as the instance's {@link DeliveryTap}: an entry is
 * tracked from the moment its event is emitted until every destination settled it (then it is
 * acknowledged) or the instance released it (shutdown: it stays pending for another replica).
 * @module
 */
import type { DeliveryTap } from '../instance/delivery-tap.js';

export class StreamTracker implements DeliveryTap {
  readonly #entryOf = new WeakMap<object, string>();
  readonly #held = new Set<string>();
  readonly #onSettled: (entryId: string) => void;
  #waiters: Array<() => void> = [];

  /** `onSettled` receives each entry whose event every destination settled. */
  constructor(onSettled: (entryId: string) => void) {
    this.#onSettled = onSettled;
  }

  /** Entries being delivered by this replica. */
  get held(): number {
    return this.#held.size;
  }

  has(entryId: string): boolean {
    return this.#held.has(entryId);
  }

  heldIds(): string[] {
    return [...this.#held];
  }

  /** Follows `event`, about to be emitted for stream entry `entryId`. */
  track(entryId: string, event: object): void {
    this.#entryOf.set(event, entryId);
    this.#held.add(entryId);
  }

  /** The instance refused `event`: its entry stays pending, untracked, for a later claim. */
  untrack(event: object): void {
    this.#forget(event);
  }

  /** Resolves when an entry is no longer held, or after `ms`. */
  freed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.push(done);
    });
  }

  follows(event: unknown): boolean {
    return typeof event === 'object' && event !== null && this.#entryOf.has(event);
  }

  settled(event: unknown): void {
    const entryId = this.#forget(event);
    if (entryId !== undefined) this.#onSettled(entryId);
  }

  released(event: unknown): void {
    this.#forget(event);
  }

  #forget(event: unknown): string | undefined {
    if (typeof event !== 'object' || event === null) return undefined;
    const entryId = this.#entryOf.get(event);
    if (entryId === undefined) return undefined;
    this.#entryOf.delete(event);
    this.#held.delete(entryId);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
    return entryId;
  }
}
