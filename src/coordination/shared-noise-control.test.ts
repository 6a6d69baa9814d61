import { beforeEach, describe, expect, it } from 'vitest';
import { connectForTest, eventually } from '../../test/helpers/coordination.js';
import { requireRedis, testPrefix } from '../../test/helpers/redis.js';
import type { EventRecord } from '../core/event.js';
import { uuidV7 } from '../core/random-id.js';
import { ManualClock } from '../testing/manual-clock.js';
import { FailoverNoise } from './failover-noise.js';
import { LocalNoise } from './local-noise.js';
import type { SharedNoise } from './ports.js';
import { RedisNoiseStore } from './redis/noise-store.js';
import { SharedNoiseControl } from './shared-noise-control.js';

let prefix: string;

beforeEach(async () => {
  prefix = testPrefix(await requireRedis());
});

const settings = { cooldownMs: 10_000, bypassLevel: 'critical' as const, maxFingerprints: 100 };

let ids = 0;
function record(clock: ManualClock, title: string, level: EventRecord['level'] = 'error'): EventRecord {
  const time = clock.now();
  return {
    id: ++ids,
    uid: uuidV7(time),
    level,
    kind: 'log',
    time,
    title,
    fields: {},
    tags: [],
    truncated: false,
  };
}

/**
 * One process's lane as the control sees it: what it was handed, the held records it was told are
 * repeats, and what was counted elsewhere.
 */
function lane(store: SharedNoise, clock: ManualClock) {
  const handed: EventRecord[] = [];
  const repeated: EventRecord[] = [];
  const counted = { elsewhere: 0 };
  const control = new SharedNoiseControl(settings, store, clock, {
    handOver: (records) => handed.push(...records),
    repeated: (records) => repeated.push(...records),
    countedElsewhere: (n) => {
      counted.elsewhere += n;
    },
    nextId: () => ++ids,
  });
  return { control, handed, repeated, counted };
}

async function redisStore(owner: string): Promise<SharedNoise> {
  const connection = await connectForTest(prefix);
  return new FailoverNoise(new RedisNoiseStore(connection, 'discord:9', owner), connection);
}

describe('SharedNoiseControl', () => {
  it('four processes, the same error in each: one first message and one digest with the summed count', async () => {
    const clock = new ManualClock();
    const lanes = await Promise.all([0, 1, 2, 3].map(async (i) => lane(await redisStore(`p${i}`), clock)));
    // Each process sees the error 25 times within the cooldown.
    for (let n = 0; n < 25; n++) {
      // The first occurrence is held while its claim is out; the repeats are merged.
      for (const l of lanes)
        expect(l.control.admit(record(clock, 'payment failed for order 42'), 0)).toBe(
          n === 0 ? 'held' : false,
        );
      if (n === 0) await eventually(() => lanes.some((l) => l.handed.length > 0));
      clock.advance(100);
    }
    const firsts = lanes.flatMap((l) => l.handed);
    expect(firsts).toHaveLength(1);
    expect(firsts[0]!.digest).toBeUndefined();
    // Each other process was told its held first occurrence is a repeat, merged into the window.
    expect(lanes.map((l) => l.handed.length + l.repeated.length)).toEqual([1, 1, 1, 1]);

    clock.advance(10_000);
    const owner = lanes.find((l) => l.handed.length === 1)!;
    const members = lanes.filter((l) => l !== owner);
    await eventually(() => members.every((m) => m.counted.elsewhere === 25));
    // The owner closes a moment after the window, once the members' repeats are in.
    clock.advance(500);
    await eventually(() => owner.handed.length === 2);
    const digest = owner.handed[1]!;
    expect(digest.kind).toBe('digest');
    expect(digest.digest?.count).toBe(99);
    // It settles the owner's own 24 repeats; each member settled its 25 as counted elsewhere.
    expect(digest.digest?.accounted).toBe(24);
    expect(digest.title).toMatch(/^×99 more in/);
    expect(members.every((m) => m.handed.length === 0)).toBe(true);
  });

  it('sends what bypasses cooldowns at once and keeps fingerprints apart', async () => {
    const clock = new ManualClock();
    const l = lane(new LocalNoise(), clock);
    expect(l.control.admit(record(clock, 'disk full', 'critical'), 0)).toBe(true);
    expect(l.control.admit(record(clock, 'a failed'), 0)).toBe('held');
    expect(l.control.admit(record(clock, 'b failed'), 0)).toBe('held');
    await eventually(() => l.handed.length === 2);
    expect(l.handed.map((r) => r.title)).toEqual(['a failed', 'b failed']);
  });

  it('a member that finds the window closed sends its own digest, so nothing it merged goes uncounted', async () => {
    const clock = new ManualClock();
    const store = new LocalNoise();
    const owner = lane(store, clock);
    const member = lane(store, clock);
    owner.control.admit(record(clock, 'x'), 0);
    await eventually(() => owner.handed.length === 1);
    member.control.admit(record(clock, 'x'), 0);
    member.control.admit(record(clock, 'x'), 0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The owner closes before the member contributes (its timer fired first, or the member was late).
    await store.close(fingerprintOfTitle());
    clock.advance(10_500);
    await eventually(() => member.handed.length === 1);
    expect(member.handed[0]!.digest).toMatchObject({ count: 2 });
    expect(member.handed[0]!.digest?.accounted).toBeUndefined();
    expect(member.counted.elsewhere).toBe(0);
  });

  it('flush hands over everything held: a first still being claimed, and open digests', async () => {
    const clock = new ManualClock();
    const l = lane(new LocalNoise(), clock);
    l.control.admit(record(clock, 'y'), 0);
    l.control.flush();
    expect(l.handed.map((r) => r.title)).toEqual(['y']);
  });
});

function fingerprintOfTitle(): string {
  return 'log|error||x';
}
