import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { uuidV7 } from './random-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp at the front of a version 7 UUID. */
const timeOf = (id: string): number => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

/** 10,000 ids made by a separate Node process. */
function idsOfAnotherProcess(): string[] {
  const script = `import { uuidV7 } from './src/core/random-id.ts';
const now = Date.now();
process.stdout.write(JSON.stringify(Array.from({ length: 10000 }, () => uuidV7(now))));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

describe('uuidV7', () => {
  it('is an RFC 9562 version 7 UUID carrying the millisecond it was made', () => {
    for (const ms of [0, 1, 1_700_000_000_123, 2 ** 48 - 1]) {
      const id = uuidV7(ms);
      expect(id).toMatch(UUID_V7);
      expect(timeOf(id)).toBe(ms);
    }
    // Out-of-range and fractional times are clamped and floored, never malformed.
    expect(timeOf(uuidV7(-5))).toBe(0);
    expect(timeOf(uuidV7(2 ** 60))).toBe(2 ** 48 - 1);
    expect(timeOf(uuidV7(12.9))).toBe(12);
    expect(uuidV7(Number.NaN)).toMatch(UUID_V7);
  });

  it('sorts by time across milliseconds', () => {
    const ids = [5, 1_000, 1_700_000_000_000, 1_700_000_000_001].map(uuidV7);
    expect([...ids].sort()).toEqual(ids);
  });

  it('never repeats within one millisecond, and is not a counter', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidV7(1_700_000_000_000));
    expect(new Set(ids).size).toBe(10_000);
    // The random part of consecutive ids is not a sequence: no constant step between neighbours.
    const tails = ids.map((id) => BigInt(`0x${id.slice(-12)}`));
    const steps = new Set(tails.slice(1).map((t, i) => t - tails[i]!));
    expect(steps.size).toBeGreaterThan(9_990);
  });

  it('never collides with the ids of another process made in the same millisecond', () => {
    const now = Date.now();
    const here = Array.from({ length: 10_000 }, () => uuidV7(now));
    const there = idsOfAnotherProcess();
    expect(there).toHaveLength(10_000);
    for (const id of there) expect(id).toMatch(UUID_V7);
    expect(new Set([...here, ...there]).size).toBe(20_000);
  });
});
