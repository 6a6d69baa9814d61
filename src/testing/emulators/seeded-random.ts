/**
 * A tiny seeded pseudo-random generator, so fault rates, ids and tokens repeat from run to run.
 * @module
 */

/** Returns numbers in [0, 1), the same sequence for the same seed. */
export type RandomSource = () => number;

/**
 * Creates a seeded generator (mulberry32: 32-bit state, good enough for test scheduling, not for secrets).
 * @example
 * const random = createSeededRandom(42);
 * random(); // always the same first value for seed 42
 */
export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A string of `length` characters from `alphabet`, drawn from `random`. */
export function randomString(random: RandomSource, length: number, alphabet = TOKEN_ALPHABET): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** A decimal number of exactly `digits` digits (no leading zero). */
export function randomDigits(random: RandomSource, digits: number): string {
  return String(1 + Math.floor(random() * 9)) + randomString(random, digits - 1, '0123456789');
}
