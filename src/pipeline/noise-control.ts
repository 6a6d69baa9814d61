/**
 * Noise control for one destination. A chat channel takes a few messages a minute; an incident makes
 * thousands of events a second. Two mechanisms turn the storm into a few readable messages:
 *
 * - **Cooldown per fingerprint**: the first occurrence goes out at once; repeats within the window are
 *   merged, and when the window ends one digest says how many, when, and shows a sample.
 * - **Storm mode**: while the lane's backlog would take longer than `afterMs` to drain at the
 *   destination's allowed rate, new events are merged into one digest per `windowMs` that counts them
 *   per fingerprint (the top groups by count, the rest summed).
 *
 * Events merged into a digest stay pending (the destination's ledger keeps them as `merged`) until the
 * digest is handed to the lane; they are then counted as digested when the digest is delivered, or as
 * dropped or dead-lettered if it is not. Nothing is lost uncounted.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { fingerprintLabel, fingerprintOf } from '../core/fingerprint.js';
import { type Level, levelRank } from '../core/level.js';
import { uuidV7 } from '../core/random-id.js';
import type { Clock, TimerHandle } from '../resilience/clock.js';
import type { LaneNoise } from './lane-policies.js';

/** Noise settings of a destination. */
export interface NoiseSettings {
  /** Window during which repeats of a fingerprint are merged; 0 turns cooldowns off. */
  readonly cooldownMs: number;
  /** Events at or above this level are never merged by a cooldown; undefined merges every level. */
  readonly bypassLevel: Level | undefined;
  /** Storm mode, or undefined to never switch to digests. */
  readonly storm:
    | { readonly afterMs: number; readonly windowMs: number; readonly topGroups: number }
    | undefined;
  /** Most fingerprints tracked at once; beyond, the oldest window closes early. */
  readonly maxFingerprints: number;
}

interface Window {
  readonly fingerprint: string;
  readonly until: number;
  count: number;
  firstTime: number;
  lastTime: number;
  level: Level;
  sample: EventRecord | undefined;
}

interface StormBucket {
  readonly until: number;
  total: number;
  firstTime: number;
  lastTime: number;
  level: Level;
  readonly groups: Map<string, { count: number; label: string; sample: EventRecord }>;
}

const MAX_STORM_GROUPS = 1_000;

export class NoiseControl implements LaneNoise {
  readonly #s: NoiseSettings;
  readonly #clock: Clock;
  readonly #emit: (digests: readonly EventRecord[]) => void;
  readonly #nextId: () => number;
  /** Insertion order is expiry order, because every window has the same length. */
  readonly #windows = new Map<string, Window>();
  #storm: StormBucket | undefined;
  #timer: TimerHandle | undefined;

  constructor(
    settings: NoiseSettings,
    clock: Clock,
    emit: (digests: readonly EventRecord[]) => void,
    nextId: () => number,
  ) {
    this.#s = settings;
    this.#clock = clock;
    this.#emit = emit;
    this.#nextId = nextId;
  }

  /**
   * Decides whether `record` goes out now (true) or is merged into a digest (false).
   * @param backlogMs how long the lane's backlog takes to drain at the allowed rate; storm mode starts
   * when it exceeds `storm.afterMs`
   */
  admit(record: EventRecord, backlogMs: number): boolean {
    const bypass =
      this.#s.bypassLevel !== undefined && levelRank(record.level) >= levelRank(this.#s.bypassLevel);
    if (bypass) return true;
    const now = this.#clock.now();
    if (this.#s.storm && (backlogMs > this.#s.storm.afterMs || this.#storm)) {
      this.#absorbStorm(record, now);
      return false;
    }
    if (this.#s.cooldownMs <= 0) return true;
    const fingerprint = fingerprintOf(record);
    const open = this.#windows.get(fingerprint);
    if (open && now < open.until) {
      open.count++;
      if (open.count === 1) open.firstTime = record.time;
      open.lastTime = record.time;
      if (levelRank(record.level) > levelRank(open.level)) open.level = record.level;
      open.sample = record;
      return false;
    }
    const closed: EventRecord[] = [];
    if (open) this.#close(open, closed);
    if (this.#windows.size >= this.#s.maxFingerprints) {
      const oldest = this.#windows.values().next().value;
      if (oldest) this.#close(oldest, closed);
    }
    this.#handOver(closed);
    this.#windows.set(fingerprint, {
      fingerprint,
      until: now + this.#s.cooldownMs,
      count: 0,
      firstTime: record.time,
      lastTime: record.time,
      level: record.level,
      sample: undefined,
    });
    this.#arm();
    return true;
  }

  /** Closes every window and the storm bucket now, handing their digests over (at shutdown). */
  flush(): void {
    const closed: EventRecord[] = [];
    for (const w of [...this.#windows.values()]) this.#close(w, closed);
    this.#closeStorm(closed);
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#handOver(closed);
  }

  /**
   * Digests that close together are handed over together, so the lane can batch them: one at a time,
   * the first would leave alone in a message of its own and spend a request of a tight rate limit.
   */
  #handOver(digests: readonly EventRecord[]): void {
    if (digests.length > 0) this.#emit(digests);
  }

  #absorbStorm(record: EventRecord, now: number): void {
    const storm = this.#s.storm!;
    let bucket = this.#storm;
    if (!bucket) {
      bucket = {
        until: now + storm.windowMs,
        total: 0,
        firstTime: record.time,
        lastTime: record.time,
        level: record.level,
        groups: new Map(),
      };
      this.#storm = bucket;
      this.#arm();
    }
    bucket.total++;
    bucket.lastTime = record.time;
    if (levelRank(record.level) > levelRank(bucket.level)) bucket.level = record.level;
    const key =
      bucket.groups.size < MAX_STORM_GROUPS || bucket.groups.has(fingerprintOf(record))
        ? fingerprintOf(record)
        : '(other)';
    const group = bucket.groups.get(key);
    if (group) group.count++;
    else
      bucket.groups.set(key, {
        count: 1,
        label: key === '(other)' ? 'other events' : fingerprintLabel(record),
        sample: record,
      });
  }

  /** Ends a window; its digest, if it merged anything, is added to `out`. */
  #close(w: Window, out: EventRecord[]): void {
    this.#windows.delete(w.fingerprint);
    if (w.count === 0 || !w.sample) return;
    const label = fingerprintLabel(w.sample);
    const seconds = Math.max(1, Math.round((w.lastTime - w.firstTime) / 1000));
    out.push({
      ...w.sample,
      id: this.#nextId(),
      // A digest is a record of its own: it must not reuse its sample's id.
      uid: uuidV7(w.lastTime),
      kind: 'digest',
      level: w.level,
      time: w.lastTime,
      title: `×${w.count.toLocaleString('en-US')} more in ${seconds} s: ${label}`,
      fingerprint: w.fingerprint,
      digest: {
        count: w.count,
        firstTime: w.firstTime,
        lastTime: w.lastTime,
        groups: [{ fingerprint: w.fingerprint, count: w.count, sample: sampleText(w.sample) }],
      },
    });
  }

  /** Ends the storm bucket, if one is open; its digest is added to `out`. */
  #closeStorm(out: EventRecord[]): void {
    const bucket = this.#storm;
    if (!bucket) return;
    this.#storm = undefined;
    const sorted = [...bucket.groups.entries()].sort((a, b) => b[1].count - a[1].count);
    const top = sorted.slice(0, this.#s.storm!.topGroups);
    const rest = sorted.slice(top.length).reduce((n, [, g]) => n + g.count, 0);
    const groups = top.map(([fingerprint, g]) => ({
      fingerprint,
      count: g.count,
      sample: `${g.label} — ${sampleText(g.sample)}`,
    }));
    if (rest > 0)
      groups.push({
        fingerprint: '(rest)',
        count: rest,
        sample: `${sorted.length - top.length} other kinds of event`,
      });
    const seconds = Math.max(1, Math.round((bucket.lastTime - bucket.firstTime) / 1000));
    const first = top[0]?.[1].sample;
    out.push({
      id: this.#nextId(),
      uid: uuidV7(bucket.lastTime),
      level: bucket.level,
      kind: 'digest',
      time: bucket.lastTime,
      title: `Storm: ×${bucket.total.toLocaleString('en-US')} events in ${seconds} s (${bucket.groups.size} kinds)`,
      ...(first?.message ? { message: first.message } : {}),
      fields: {},
      tags: ['storm'],
      digest: { count: bucket.total, firstTime: bucket.firstTime, lastTime: bucket.lastTime, groups },
      truncated: false,
    });
  }

  /** One timer, for whichever closes first: the oldest window or the storm bucket. */
  #arm(): void {
    if (this.#timer !== undefined) return;
    const firstWindow = this.#windows.values().next().value?.until ?? Number.POSITIVE_INFINITY;
    const due = Math.min(firstWindow, this.#storm?.until ?? Number.POSITIVE_INFINITY);
    if (due === Number.POSITIVE_INFINITY) return;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        this.#sweep();
      },
      Math.max(0, due - this.#clock.now()),
    );
  }

  #sweep(): void {
    const now = this.#clock.now();
    const closed: EventRecord[] = [];
    for (const w of this.#windows.values()) {
      if (w.until > now) break;
      this.#close(w, closed);
    }
    if (this.#storm && this.#storm.until <= now) this.#closeStorm(closed);
    this.#arm();
    this.#handOver(closed);
  }
}

function sampleText(record: EventRecord): string {
  return (record.message ?? record.title ?? record.error?.message ?? fingerprintLabel(record)).slice(0, 300);
}
