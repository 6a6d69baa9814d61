/**
 * Cooldowns by fingerprint shared by every process of a destination: an error seen in four replicas
 * produces one first message (sent by whichever process claimed it first) and one digest whose count
 * is the sum of the repeats all four merged.
 *
 * A lane's admission is synchronous and a claim takes a round trip, so the first occurrence of a
 * fingerprint is held while its claim is out (the lane owes it, unsettled, like a queued record: a
 * crash during the round trip must not lose it); claims made in the same turn leave together. The
 * owner then hands the held record to the lane as the first message; a member counts it as a repeat
 * and tells the lane it is merged now. When the window ends a member adds its repeats to the owner's
 * window (and they are counted in that digest, so this process settles them as digested), and the
 * owner, a moment later, closes the window and hands over one digest: shown with the group's total,
 * weighing its own repeats only.
 * A member that finds the window already closed (late, or Redis away) hands over its own digest.
 * Storm mode stays per process (it is about this lane's backlog) and runs first, as in `NoiseControl`.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { fingerprintLabel, fingerprintOf } from '../core/fingerprint.js';
import { type Level, levelRank } from '../core/level.js';
import { uuidV7 } from '../core/random-id.js';
import type { Clock, TimerHandle } from '../resilience/clock.js';
import { merge } from './local-noise.js';
import type { NoiseTally, SharedNoise } from './ports.js';

/** Cooldown settings of a destination, as in `NoiseSettings`. */
export interface SharedCooldownSettings {
  /** Window during which repeats of a fingerprint are merged; 0 turns cooldowns off. */
  readonly cooldownMs: number;
  /** Events at or above this level are never merged; undefined merges every level. */
  readonly bypassLevel: Level | undefined;
  /** Most fingerprints tracked at once; beyond, new fingerprints go out unmerged. */
  readonly maxFingerprints: number;
}

/** How the control talks to its lane. */
export interface SharedNoiseHooks {
  /** Records for the lane's queue now: a held first occurrence, or a digest. */
  handOver(records: readonly EventRecord[]): void;
  /** Held first occurrences that turned out repeats (another process owns the window): now merged. */
  repeated(records: readonly EventRecord[]): void;
  /** `count` events this process merged were counted in a digest another process sends. */
  countedElsewhere(count: number): void;
  /** Ids for digest records. */
  nextId(): number;
  /** Failures of the store that are bugs, not outages. */
  report?(error: unknown): void;
}

/** The per-process storm mode this control defers to first (`NoiseControl` with cooldowns off). */
export interface StormGate {
  admit(record: EventRecord, backlogMs: number): boolean;
  flush(): void;
}

/** After its end, how long the owner waits for the members' repeats before it closes a window. */
export const CLOSE_DELAY_MS = 500;

interface Window {
  readonly fingerprint: string;
  role: 'claiming' | 'owner' | 'member';
  until: number;
  /** The first occurrence, held while the claim is out. */
  first: EventRecord | undefined;
  tally: NoiseTally | undefined;
  sample: EventRecord | undefined;
  timer: TimerHandle | undefined;
}

export class SharedNoiseControl {
  readonly #s: SharedCooldownSettings;
  readonly #store: SharedNoise;
  readonly #clock: Clock;
  readonly #hooks: SharedNoiseHooks;
  readonly #storm: StormGate | undefined;
  readonly #windows = new Map<string, Window>();
  #claims: Window[] = [];

  constructor(
    settings: SharedCooldownSettings,
    store: SharedNoise,
    clock: Clock,
    hooks: SharedNoiseHooks,
    storm?: StormGate,
  ) {
    this.#s = settings;
    this.#store = store;
    this.#clock = clock;
    this.#hooks = hooks;
    this.#storm = storm;
  }

  /** True when `record` goes out now; false when it is merged; `'held'` while its claim is out. */
  admit(record: EventRecord, backlogMs: number): boolean | 'held' {
    const bypass =
      this.#s.bypassLevel !== undefined && levelRank(record.level) >= levelRank(this.#s.bypassLevel);
    if (bypass) return true;
    if (this.#storm && !this.#storm.admit(record, backlogMs)) return false;
    if (this.#s.cooldownMs <= 0) return true;
    const fingerprint = fingerprintOf(record);
    const open = this.#windows.get(fingerprint);
    if (open) {
      this.#count(open, record);
      return false;
    }
    // Past the bound a fingerprint is not tracked: it goes out as it comes, never lost.
    if (this.#windows.size >= this.#s.maxFingerprints) return true;
    const window: Window = {
      fingerprint,
      role: 'claiming',
      until: Number.POSITIVE_INFINITY,
      first: record,
      tally: undefined,
      sample: undefined,
      timer: undefined,
    };
    this.#windows.set(fingerprint, window);
    this.#claims.push(window);
    if (this.#claims.length === 1) queueMicrotask(() => void this.#claim());
    return 'held';
  }

  /** Closes every window now (shutdown, destination gone): each hands over what it holds, locally. */
  flush(): void {
    this.#storm?.flush();
    const out: EventRecord[] = [];
    for (const w of this.#windows.values()) {
      if (w.timer !== undefined) this.#clock.clearTimeout(w.timer);
      if (w.first) out.push(w.first);
      const digest = this.#digest(w, w.tally);
      if (digest) out.push(digest);
      // Members that contribute later find the window closed and report their repeats themselves.
      if (w.role === 'owner') this.#store.close(w.fingerprint).catch((e: unknown) => this.#hooks.report?.(e));
    }
    this.#windows.clear();
    this.#claims = [];
    if (out.length > 0) this.#hooks.handOver(out);
  }

  async #claim(): Promise<void> {
    const batch = this.#claims;
    this.#claims = [];
    const now = this.#clock.now();
    let answers: Awaited<ReturnType<SharedNoise['claim']>>;
    try {
      answers = await this.#store.claim(
        batch.map((w) => w.fingerprint),
        this.#s.cooldownMs,
        now,
      );
    } catch (error) {
      // The store never rejects by contract; a bug should still not hold records forever.
      this.#hooks.report?.(error);
      answers = batch.map(() => ({ owner: true, until: now + this.#s.cooldownMs }));
    }
    const firsts: EventRecord[] = [];
    const repeats: EventRecord[] = [];
    batch.forEach((w, i) => {
      // A window flushed while its claim was out has already handed its record over.
      if (this.#windows.get(w.fingerprint) !== w || !w.first) return;
      const answer = answers[i] ?? { owner: true, until: now + this.#s.cooldownMs };
      const first = w.first;
      w.first = undefined;
      w.until = answer.until;
      if (answer.owner) {
        w.role = 'owner';
        firsts.push(first);
        this.#arm(w, answer.until + CLOSE_DELAY_MS);
      } else {
        w.role = 'member';
        this.#count(w, first);
        repeats.push(first);
        this.#arm(w, answer.until);
      }
    });
    if (repeats.length > 0) this.#hooks.repeated(repeats);
    // Handed over even when empty: the lane pumps, and a flush waiting for held records is released.
    this.#hooks.handOver(firsts);
  }

  #count(w: Window, record: EventRecord): void {
    const one: NoiseTally = { count: 1, firstTime: record.time, lastTime: record.time, level: record.level };
    w.tally = merge(w.tally, one);
    w.sample = record;
  }

  #arm(w: Window, at: number): void {
    w.timer = this.#clock.setTimeout(() => void this.#end(w), Math.max(0, at - this.#clock.now()));
  }

  async #end(w: Window): Promise<void> {
    if (this.#windows.get(w.fingerprint) !== w) return;
    this.#windows.delete(w.fingerprint);
    if (w.role === 'owner') {
      const others = await this.#store.close(w.fingerprint).catch((error: unknown) => {
        this.#hooks.report?.(error);
        return undefined;
      });
      const digest = this.#digest(w, others ? merge(w.tally, others) : w.tally);
      if (digest) this.#hooks.handOver([digest]);
      return;
    }
    const tally = w.tally;
    if (!tally) return;
    const counted = await this.#store.contribute(w.fingerprint, tally).catch((error: unknown) => {
      this.#hooks.report?.(error);
      return false;
    });
    if (counted) this.#hooks.countedElsewhere(tally.count);
    else {
      const digest = this.#digest(w, tally);
      if (digest) this.#hooks.handOver([digest]);
    }
  }

  /** One digest: shown with `shown`'s total, weighing the repeats this process merged (`w.tally`). */
  #digest(w: Window, shown: NoiseTally | undefined): EventRecord | undefined {
    const own = w.tally?.count ?? 0;
    const sample = w.sample ?? w.first;
    if (!shown || shown.count === 0 || !sample) return undefined;
    const label = fingerprintLabel(sample);
    const seconds = Math.max(1, Math.round((shown.lastTime - shown.firstTime) / 1000));
    return {
      ...sample,
      id: this.#hooks.nextId(),
      // A digest is a record of its own: it must not reuse its sample's id.
      uid: uuidV7(shown.lastTime),
      kind: 'digest',
      level: shown.level,
      time: shown.lastTime,
      title: `×${shown.count.toLocaleString('en-US')} more in ${seconds} s: ${label}`,
      fingerprint: w.fingerprint,
      digest: {
        count: shown.count,
        ...(own === shown.count ? {} : { accounted: own }),
        firstTime: shown.firstTime,
        lastTime: shown.lastTime,
        groups: [{ fingerprint: w.fingerprint, count: shown.count, sample: sampleText(sample) }],
      },
    };
  }
}

function sampleText(record: EventRecord): string {
  return (record.message ?? record.title ?? record.error?.message ?? fingerprintLabel(record)).slice(0, 300);
}
