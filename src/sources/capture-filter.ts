/**
 * What a capture source keeps. Decisions are made as early as possible: a request whose URL or method
 * is excluded, or that sampling leaves out, costs one branch at its start and nothing after.
 * @module
 */
import type { Level } from '../core/level.js';
import { compileUrlPattern } from '../pipeline/router.js';

/** Options shared by every HTTP capture source. */
export interface CaptureOptions {
  /** Only URLs matching one of these (globs or RegExps) are captured. @default every URL */
  readonly include?: ReadonlyArray<string | RegExp>;
  /** URLs matching one of these are never captured. @default [] */
  readonly exclude?: ReadonlyArray<string | RegExp>;
  /** Only these methods. @default every method */
  readonly methods?: readonly string[];
  /** Responses captured by status: classes ('5xx') or codes. @default ['4xx', '5xx'] */
  readonly status?: ReadonlyArray<string | number>;
  /** Capture requests that failed without a response (refused, reset, timed out, aborted). @default true */
  readonly networkErrors?: boolean;
  /** Also capture any response slower than this, whatever its status. @default 2_000 */
  readonly slowMs?: number;
  /** Share of matching requests kept, 0..1 (decided at the start). @default 1 */
  readonly sampleRate?: number;
  /** Capture request and response headers. @default true */
  readonly headers?: boolean;
  /** Capture body excerpts where the client exposes them without consuming a stream. @default true */
  readonly captureBodies?: boolean;
  /** Longest body excerpt. @default 8_192 */
  readonly maxBodyBytes?: number;
  /** Requests tracked at once; beyond, the oldest is forgotten (counted). @default 10_000 */
  readonly maxPending?: number;
  /** @default Math.random */
  readonly random?: () => number;
  /** Receives the source's own failures. @default ignore */
  readonly onError?: (error: unknown) => void;
}

/** Resolved filter. */
export class CaptureFilter {
  readonly options: CaptureOptions;
  readonly maxBodyBytes: number;
  readonly #include: Array<(url: string) => boolean> | undefined;
  readonly #exclude: Array<(url: string) => boolean>;
  readonly #methods: ReadonlySet<string> | undefined;
  readonly #status: ReadonlyArray<string | number>;
  readonly #slowMs: number;
  readonly #sampleRate: number;
  readonly #random: () => number;

  constructor(options: CaptureOptions = {}) {
    this.options = options;
    this.maxBodyBytes = options.maxBodyBytes ?? 8_192;
    this.#include = options.include?.map(compileUrlPattern);
    this.#exclude = (options.exclude ?? []).map(compileUrlPattern);
    this.#methods = options.methods && new Set(options.methods.map((m) => m.toUpperCase()));
    this.#status = options.status ?? ['4xx', '5xx'];
    this.#slowMs = options.slowMs ?? 2_000;
    this.#sampleRate = options.sampleRate ?? 1;
    this.#random = options.random ?? Math.random;
  }

  /** At the start of a request: is it worth tracking at all? */
  wantsRequest(method: string, url: string): boolean {
    if (this.#methods && !this.#methods.has(method.toUpperCase())) return false;
    if (this.#include && !this.#include.some((m) => m(url))) return false;
    if (this.#exclude.some((m) => m(url))) return false;
    return this.#sampleRate >= 1 || this.#random() < this.#sampleRate;
  }

  /** When the response arrives: keep it? */
  wantsResponse(status: number, durationMs: number): boolean {
    if (durationMs >= this.#slowMs) return true;
    return this.#status.some((s) =>
      typeof s === 'number' ? s === status : Math.floor(status / 100) === Number(String(s)[0]),
    );
  }

  /** Responses at least this slow are kept whatever their status. */
  get slowMs(): number {
    return this.#slowMs;
  }

  get wantsNetworkErrors(): boolean {
    return this.options.networkErrors ?? true;
  }

  /** The level of a captured exchange: 5xx and failures are errors, 4xx and slow calls warnings. */
  levelOf(status: number | undefined, durationMs: number): Level {
    if (status === undefined || status >= 500) return 'error';
    if (status >= 400 || durationMs >= this.#slowMs) return 'warn';
    return 'info';
  }
}
