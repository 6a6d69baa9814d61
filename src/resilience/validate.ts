/**
 * Eager option checks shared by the resilience primitives: a bad option is a programming error, so it
 * throws a TypeError naming the owner and the field at construction, never later on the hot path.
 * @module
 */

/** Returns `value` when it is a finite number > 0, else throws a TypeError naming `owner` and `name`. */
export function positive(owner: string, name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new TypeError(`${owner}: \`${name}\` must be a positive number, got ${value}`);
  }
  return value;
}

/** Returns `value` when it is a finite number >= 0, else throws a TypeError. */
export function nonNegative(owner: string, name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new TypeError(`${owner}: \`${name}\` must be a finite number >= 0, got ${value}`);
  }
  return value;
}

/** Returns `value` when it is an integer > 0, else throws a TypeError. */
export function positiveInteger(owner: string, name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new TypeError(`${owner}: \`${name}\` must be a positive integer, got ${value}`);
  }
  return value;
}

/** Marks the end of an exhaustive `switch`; the compiler proves it unreachable. */
export function assertNever(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}

/**
 * A shallow copy without the keys whose value is `undefined`, so `{ ...defaults, ...withoutUndefined(o) }`
 * keeps a default when the caller passed `{ key: undefined }` explicitly.
 */
export function withoutUndefined<T extends object>(options: T): T {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) copy[key] = value;
  return copy as T;
}
