/** emit() cost on the caller's stack, over at least 1,000,000 events. */
import { createOffpath } from '../dist/index.js';
import { emitCostRows, measureEmit } from './measure-emit.js';
import { type BenchResult, discardSink } from './types.js';

export async function run(events = 1_000_000): Promise<BenchResult[]> {
  const offpath = createOffpath({
    destinations: [{ name: 'discard', type: 'custom', sink: discardSink() }],
    limits: { intakeCapacity: 20_000 },
  });
  const event = { level: 'info' as const, message: 'order placed', fields: { orderId: 42, amount: 1999 } };
  const cost = await measureEmit(offpath, event, events);
  await offpath.close({ timeoutMs: 30_000 });
  return emitCostRows('emit()', cost, events);
}
