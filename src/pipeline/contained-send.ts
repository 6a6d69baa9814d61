/**
 * Calls a sink (its `send`, or its `ping`) so that nothing it does can hurt the pipeline: a throw, a
 * hang past the send timeout, or a return value that is not a {@link SendResult} all become retryable
 * failure values. A throw or a malformed result breaks the sink's contract, so it is also handed to
 * `report` (the instance's `onError` and `error` event); a sink that rejects after the deadline
 * aborted it is only doing what the abort asked, and is not reported.
 * @module
 */
import type { SendContext, SendResult } from '../core/sink.js';
import { runSuppressed } from '../core/suppress.js';
import type { Clock } from '../resilience/clock.js';
import { isOffpathError, SinkFailedError, TimeoutError } from '../resilience/errors.js';

/** Runs one call of a sink with a deadline; always resolves. */
export function containedSend(
  call: (ctx: SendContext) => Promise<SendResult>,
  timeoutMs: number,
  clock: Clock,
  outerSignal?: AbortSignal,
  report?: (error: unknown) => void,
): Promise<SendResult> {
  const controller = new AbortController();
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: SendResult): void => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      outerSignal?.removeEventListener('abort', onOuterAbort);
      resolve(result);
    };
    const timer = clock.setTimeout(() => {
      const error = new TimeoutError(`send did not finish within ${timeoutMs} ms`);
      controller.abort(error);
      finish({ ok: false, kind: 'retryable', error });
    }, timeoutMs);
    const onOuterAbort = (): void => {
      const error = new TimeoutError('send aborted by the close deadline', { cause: outerSignal?.reason });
      controller.abort(error);
      finish({ ok: false, kind: 'retryable', error });
    };
    if (outerSignal?.aborted) onOuterAbort();
    else outerSignal?.addEventListener('abort', onOuterAbort, { once: true });

    let pending: Promise<unknown>;
    try {
      // Delivery traffic runs in the suppressed scope so that our own capture sources ignore it.
      pending = runSuppressed(() => Promise.resolve(call({ signal: controller.signal })));
    } catch (error) {
      pending = Promise.reject(error);
    }
    const breach = (error: unknown): void => {
      if (!settled) report?.(error);
    };
    pending.then(
      (value) => {
        const result = validateResult(value);
        if (result !== value && !result.ok) breach(result.error);
        finish(result);
      },
      (error: unknown) => {
        breach(error);
        finish({
          ok: false,
          kind: 'retryable',
          error: isOffpathError(error) ? error : new SinkFailedError('sink threw', { cause: error }),
        });
      },
    );
  });
}

function validateResult(value: unknown): SendResult {
  if (typeof value === 'object' && value !== null) {
    const r = value as { ok?: unknown; kind?: unknown; error?: unknown };
    if (r.ok === true) return value as SendResult;
    if (
      r.ok === false &&
      (r.kind === 'retryable' || r.kind === 'permanent' || r.kind === 'gone') &&
      isOffpathError(r.error)
    ) {
      return value as SendResult;
    }
  }
  return {
    ok: false,
    kind: 'retryable',
    error: new SinkFailedError('sink returned something that is not a SendResult'),
  };
}
