import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import { TimeoutError } from './errors.js';
import { withTimeout } from './timeout.js';

function never(signal: AbortSignal): Promise<string> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
}

describe('withTimeout', () => {
  it('resolves with the result and clears its timer', async () => {
    const clock = new ManualClock();
    await expect(withTimeout(async () => 'done', 1000, { clock })).resolves.toBe('done');
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with TimeoutError and aborts the inner signal when time runs out', async () => {
    const clock = new ManualClock();
    let inner: AbortSignal | undefined;
    const pending = withTimeout(
      (signal) => {
        inner = signal;
        return never(signal);
      },
      1000,
      { clock },
    );
    const outcome = pending.catch((e: unknown) => e);
    clock.advance(999);
    expect(inner?.aborted).toBe(false);
    clock.advance(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe('timed out after 1000 ms');
    expect(inner?.reason).toBe(error);
    expect(clock.pendingTimers).toBe(0);
  });

  it('uses the given message', async () => {
    const clock = new ManualClock();
    const pending = withTimeout(never, 5, { clock, message: 'deadline exceeded' }).catch((e: unknown) => e);
    clock.advance(5);
    expect(await pending).toMatchObject({ code: 'ERR_TIMEOUT', message: 'deadline exceeded' });
  });

  it('rejects with the outer reason when the outer signal aborts, and clears the timer', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const pending = withTimeout(never, 1000, { clock, signal: controller.signal });
    controller.abort(new Error('closing'));
    await expect(pending).rejects.toThrow('closing');
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses to start when the outer signal is already aborted', async () => {
    let ran = false;
    const pending = withTimeout(
      async () => {
        ran = true;
      },
      1000,
      { signal: AbortSignal.abort(new Error('gone')) },
    );
    await expect(pending).rejects.toThrow('gone');
    expect(ran).toBe(false);
  });

  it('passes through a rejection or a synchronous throw of fn, clearing the timer', async () => {
    const clock = new ManualClock();
    await expect(withTimeout(() => Promise.reject(new Error('refused')), 1000, { clock })).rejects.toThrow(
      'refused',
    );
    await expect(
      withTimeout(
        () => {
          throw new Error('sync');
        },
        1000,
        { clock },
      ),
    ).rejects.toThrow('sync');
    expect(clock.pendingTimers).toBe(0);
  });

  it('absorbs a late rejection after the timeout (no unhandled rejection)', async () => {
    const clock = new ManualClock();
    let rejectLate: (e: Error) => void = () => {};
    const pending = withTimeout(
      () =>
        new Promise<never>((_, reject) => {
          rejectLate = reject;
        }),
      10,
      { clock },
    ).catch((e: unknown) => e);
    clock.advance(10);
    rejectLate(new Error('late'));
    expect(await pending).toBeInstanceOf(TimeoutError);
  });

  it('accepts Infinity (no timer) and rejects a non-positive ms', async () => {
    const clock = new ManualClock();
    await expect(withTimeout(async () => 1, Number.POSITIVE_INFINITY, { clock })).resolves.toBe(1);
    expect(clock.pendingTimers).toBe(0);
    await expect(withTimeout(async () => 1, 0)).rejects.toThrow(RangeError);
  });
});
