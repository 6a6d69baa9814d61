/**
 * Parsers of option values: a bad value is a usage error (exit 2) that names the option, reported
 * by commander before the command runs.
 * @module
 */
import { InvalidArgumentError } from 'commander';

/** A whole number from `min` to `max`. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `expected a whole number of at least ${min}.`
          : `expected a whole number from ${min} to ${max}.`,
      );
    }
    return n;
  };
}

/** One of `choices`. */
export function oneOf<const T extends readonly string[]>(choices: T): (value: string) => T[number] {
  return (value) => {
    if (!(choices as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}.`);
    return value as T[number];
  };
}
