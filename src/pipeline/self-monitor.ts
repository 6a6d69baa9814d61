/**
 * offpath watching its own cost while it runs: the time `emit()` takes (one call in 64 is timed, so
 * watching costs almost nothing), the CPU time of pipeline work per second, events in and out per
 * second. When the work exceeds a configured share of a core, low-level events are refused at the
 * door (the cheapest place to shed) until it is back under budget.
 * @module
 */

/** Self-monitoring figures, as reported in `stats().self`. */
export interface SelfStats {
  /** `emit()` cost over the sampled calls, in µs, less the cost of reading the clock. */
  readonly emitUs: { readonly p50: number; readonly p99: number; readonly samples: number };
  /**
   * Pipeline work (normalise, redact, route, format, settle) in ms per second of wall time, over the
   * last 10 s (or since the instance started, when that is shorter).
   */
  readonly workMsPerSecond: number;
  /** Events taken from the intake per second, over the same window. */
  readonly eventsInPerSecond: number;
  /** Deliveries (event × destination) sent successfully per second, over the same window. */
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
  /** Cost of one clock read, measured beside each emit sample, subtracted from the percentiles. */
  readonly #clockSamples = new Float64Array(RING);
  #emitFilled = 0;
  #emitNext = 0;
  #calls = 0;
  /** Per-second buckets of work ms, events in and events out, for the last SECONDS seconds. */
  readonly #work = new Float64Array(SECONDS);
  readonly #in = new Float64Array(SECONDS);
  readonly #out = new Float64Array(SECONDS);
  #second = 0;
  #bucket = 0;
  readonly #started: number;
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
    this.#started = now();
  }

  /** True when this `emit()` call should be timed. */
  shouldSample(): boolean {
    return ++this.#calls % SAMPLE_EVERY === 0;
  }

  /**
   * @param us the timed span of one `emit()` call, clock reads included
   * @param clockUs the span between two back-to-back clock reads, taken right after
   */
  recordEmit(us: number, clockUs: number): void {
    this.#emitSamples[this.#emitNext] = us;
    this.#clockSamples[this.#emitNext] = clockUs;
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
    const emits = this.#sorted(this.#emitSamples);
    const clock = percentile(this.#sorted(this.#clockSamples), 0.5);
    const emitUs = (p: number): number => round(Math.max(0, percentile(emits, p) - clock));
    // The buckets hold the last nine full seconds plus the part of the current one that has passed:
    // dividing by a full ten would under-report by up to a tenth (and by far more in the first seconds).
    const now = this.#now();
    const covered = Math.max(
      1,
      Math.min(SECONDS - 1 + (now - this.#second * 1000) / 1000, (now - this.#started) / 1000),
    );
    return {
      emitUs: { p50: emitUs(0.5), p99: emitUs(0.99), samples: emits.length },
      workMsPerSecond: round(sum(this.#work) / covered),
      eventsInPerSecond: round(sum(this.#in) / covered),
      eventsOutPerSecond: round(sum(this.#out) / covered),
      shedding: this.#shedding,
    };
  }

  #sorted(ring: Float64Array): Float64Array {
    return ring.slice(0, this.#emitFilled).sort();
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

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
