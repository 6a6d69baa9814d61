/**
 * Compiles routing rules once into a function from a record to destination names.
 * @module
 */
import picomatch from 'picomatch';
import type { EventRecord } from '../core/event.js';
import { type Level, levelRank } from '../core/level.js';

/** One rule: an event that matches every given condition goes to `destinations`. */
export interface RouteRule {
  readonly destinations: readonly string[];
  /** Level at or above. */
  readonly minLevel?: Level | undefined;
  readonly levels?: readonly Level[] | undefined;
  readonly kinds?: readonly string[] | undefined;
  /** Matches when the event has any of these tags. */
  readonly tags?: readonly string[] | undefined;
  /** HTTP status classes ('5xx') or exact codes; matches HTTP events only. */
  readonly status?: ReadonlyArray<string | number> | undefined;
  /** Globs (picomatch) or regular expressions (a RegExp, or a string written `/source/flags`) on the URL. */
  readonly urls?: ReadonlyArray<string | RegExp> | undefined;
  /** Share of matching events kept, 0..1. @default 1 */
  readonly sample?: number | undefined;
}

/** Where a record goes, and whether sampling removed any route it matched. */
export interface RouteDecision {
  readonly destinations: readonly string[];
  readonly sampledOut: boolean;
}

/** What the router needs to know of a destination. */
export interface RoutedDestination {
  readonly name: string;
  readonly minLevel?: Level | undefined;
}

type Predicate = (record: EventRecord) => boolean;

/** Options of {@link compileRouter}. */
export interface RouterOptions {
  /**
   * `critical` events go to every destination, whatever the routes (and their sampling) say; no
   * `minLevel` is above critical, so they pass every destination's too.
   * @default true
   */
  readonly criticalBypass?: boolean | undefined;
  /** Uniform random numbers in [0, 1), for sampling. @default Math.random */
  readonly random?: (() => number) | undefined;
}

const CRITICAL = levelRank('critical');

/**
 * Without rules, every destination receives every event at or above its own `minLevel`. With rules,
 * an event goes to the union of the destinations of the rules it matches, still subject to each
 * destination's `minLevel`; critical events go everywhere unless `criticalBypass` is off.
 */
export function compileRouter(
  rules: readonly RouteRule[] | undefined,
  destinations: readonly RoutedDestination[],
  options: RouterOptions = {},
): (record: EventRecord) => RouteDecision {
  const { criticalBypass = true, random = Math.random } = options;
  const floor = new Map(destinations.map((d) => [d.name, levelRank(d.minLevel ?? 'trace')]));
  const all = destinations.map((d) => d.name);
  const everywhere: RouteDecision = { destinations: all, sampledOut: false };
  if (!rules || rules.length === 0) {
    return (record) => {
      const rank = levelRank(record.level);
      return { destinations: all.filter((name) => rank >= (floor.get(name) ?? 0)), sampledOut: false };
    };
  }
  const compiled = rules.map((rule) => ({
    matches: compileRule(rule),
    destinations: rule.destinations,
    sample: rule.sample ?? 1,
  }));
  return (record) => {
    const rank = levelRank(record.level);
    if (criticalBypass && rank >= CRITICAL) return everywhere;
    const out = new Set<string>();
    let sampledOut = false;
    for (const rule of compiled) {
      if (!rule.matches(record)) continue;
      if (rule.sample < 1 && random() >= rule.sample) {
        sampledOut = true;
        continue;
      }
      for (const name of rule.destinations) if (rank >= (floor.get(name) ?? 0)) out.add(name);
    }
    return { destinations: [...out], sampledOut };
  };
}

function compileRule(rule: RouteRule): Predicate {
  const checks: Predicate[] = [];
  if (rule.minLevel !== undefined) {
    const min = levelRank(rule.minLevel);
    checks.push((r) => levelRank(r.level) >= min);
  }
  if (rule.levels) {
    const set = new Set<string>(rule.levels);
    checks.push((r) => set.has(r.level));
  }
  if (rule.kinds) {
    const set = new Set<string>(rule.kinds);
    checks.push((r) => set.has(r.kind));
  }
  if (rule.tags) {
    const set = new Set(rule.tags);
    checks.push((r) => r.tags.some((t) => set.has(t)));
  }
  if (rule.status) {
    const wanted = rule.status;
    checks.push((r) => {
      const status = r.http?.response?.status;
      if (status === undefined) return false;
      return wanted.some((w) =>
        typeof w === 'number' ? w === status : Math.floor(status / 100) === Number(w[0]),
      );
    });
  }
  if (rule.urls) {
    const matchers = rule.urls.map(compileUrlPattern);
    checks.push((r) => {
      const url = r.http?.request.url;
      return url !== undefined && matchers.some((m) => m(url));
    });
  }
  return (record) => checks.every((check) => check(record));
}

/** A glob, a RegExp, or a string `/source/flags` taken as a regular expression. */
export function compileUrlPattern(pattern: string | RegExp): (url: string) => boolean {
  if (pattern instanceof RegExp) {
    // A global flag would make test() stateful across calls.
    const re = new RegExp(pattern.source, pattern.flags.replace('g', ''));
    return (url) => re.test(url);
  }
  const asRegex = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (asRegex) {
    const re = new RegExp(asRegex[1]!, asRegex[2]!.replace('g', ''));
    return (url) => re.test(url);
  }
  return picomatch(pattern, { dot: true });
}

/**
 * Why {@link compileUrlPattern} would refuse `pattern` (an invalid regular expression), or undefined.
 * The config schema calls it, so a config that validates never throws here later.
 */
export function urlPatternProblem(pattern: string): string | undefined {
  return compileProblem(() => compileUrlPattern(pattern));
}

/** The message of what `compile` throws, without the engine's restatement of the pattern. */
export function compileProblem(compile: () => unknown): string | undefined {
  try {
    compile();
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `is not a valid regular expression (${message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')})`;
  }
}
