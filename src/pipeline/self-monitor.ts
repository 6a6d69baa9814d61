/**
 * offpath watching its own cost while it runs: the time `emit()` takes (one call in 64 is timed, so
 * watching costs almost nothing), the CPU time of pipeline work per second, events in and out per
 * second. When the work exceeds a configured share of a core, low-level events are refused at the
 * door (the cheapest place to shed) until it is back under budget.
 * @module
 */

/** Self-monitoring figures, as reported in `stats().self`. */
export interface SelfStats {
  /** `emit()` cost over the sampled calls, in µs. */
  readonly emitUs: { readonly p50: number; readonly p99: number; readonly samples: number };
  /** Pipeline work (normalise, redact, route, format, settle) in ms per second of wall time, last 10 s. */
  readonly workMsPerSecond: number;
  readonly eventsInPerSecond: number;
  readonly eventsOutPerSecond: number;
  /** True while events below the shedding level are refused to stay within the budget. */
  readonly shedding: boolean;
}

/** The overhead budget. */
export interface SelfBudget {
  /** Share of one core the pipeline may use, in percent. */
  readonly cpuPercent: number;
}

const SAMPLE_EVERY = 64;
const RING = 256;
const SECONDS = 10;

export class SelfMonitor {
  readonly #emitSamples = new Float64Array(RING);
  #emitFilled = 0;
  #emitNext = 0;
  #calls = 0;
  /** Per-second buckets of work ms, events in and events out, for the last SECONDS seconds. */
  readonly #work = new Float64Array(SECONDS);
  readonly #in = new Float64Array(SECONDS);
  readonly #out = new Float64Array(SECONDS);
  #second = 0;
  #bucket = 0;
  #shedding = false;
  readonly #budget: SelfBudget | undefined;
  readonly #now: () => number;
  readonly #onChange: (shedding: boolean) => void;

  /**
   * @param now wall-clock ms that decides which second work belongs to (injected for tests)
   * @param onChange called whenever shedding starts or stops, whichever record call notices it
   */
  constructor(
    budget: SelfBudget | undefined,
    now: () => number = Date.now,
    onChange: (shedding: boolean) => void = () => {},
  ) {
    this.#budget = budget;
    this.#now = now;
    this.#onChange = onChange;
  }

  /** True when this `emit()` call should be timed. */
  shouldSample(): boolean {
    return ++this.#calls % SAMPLE_EVERY === 0;
  }

  recordEmit(us: number): void {
    this.#emitSamples[this.#emitNext] = us;
    this.#emitNext = (this.#emitNext + 1) % RING;
    this.#emitFilled = Math.min(this.#emitFilled + 1, RING);
  }

  recordIn(n = 1): void {
    this.#roll();
    this.#in[this.#bucket]! += n;
  }

  recordOut(n: number): void {
    this.#roll();
    this.#out[this.#bucket]! += n;
  }

  /** Adds pipeline work time and re-evaluates shedding. */
  recordWork(ms: number): void {
    this.#roll();
    this.#work[this.#bucket]! += ms;
  }

  /** Whether low-level events should be refused now. */
  get shedding(): boolean {
    return this.#shedding;
  }

  snapshot(): SelfStats {
    this.#roll();
    const sorted = Array.from(this.#emitSamples.subarray(0, this.#emitFilled)).sort((a, b) => a - b);
    const pct = (p: number): number =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
    return {
      emitUs: { p50: round(pct(0.5)), p99: round(pct(0.99)), samples: sorted.length },
      workMsPerSecond: round(sum(this.#work) / SECONDS),
      eventsInPerSecond: round(sum(this.#in) / SECONDS),
      eventsOutPerSecond: round(sum(this.#out) / SECONDS),
      shedding: this.#shedding,
    };
  }

  /** Moves to the current second, clearing buckets that have passed; decides shedding on each new second. */
  #roll(): void {
    const second = Math.floor(this.#now() / 1000);
    if (second === this.#second) return;
    const steps = Math.min(SECONDS, second - this.#second);
    for (let i = 0; i < steps; i++) {
      this.#bucket = (this.#bucket + 1) % SECONDS;
      this.#work[this.#bucket] = 0;
      this.#in[this.#bucket] = 0;
      this.#out[this.#bucket] = 0;
    }
    this.#second = second;
    if (this.#budget) {
      // Judge on the last full second: over budget starts shedding, under half of it stops.
      const last = this.#work[(this.#bucket - 1 + SECONDS) % SECONDS]! / 10;
      const was = this.#shedding;
      if (last > this.#budget.cpuPercent) this.#shedding = true;
      else if (last < this.#budget.cpuPercent / 2) this.#shedding = false;
      if (this.#shedding !== was) this.#onChange(this.#shedding);
    }
  }
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
