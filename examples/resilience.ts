/**
 * The resilience primitives on their own (`offpath/resilience`), around any async call.
 * Run: npx tsx examples/resilience.ts
 */
import {
  CircuitBreaker,
  circuitBreakerPresets,
  MetricsCollector,
  type ResilienceEvents,
  RetryBudget,
  RetryPolicy,
  TypedEmitter,
} from '../src/resilience/index.js';

const events = new TypedEmitter<ResilienceEvents>();
const metrics = new MetricsCollector().attach(events);
const policy = new RetryPolicy({
  maxAttempts: 4,
  initialDelayMs: 50,
  jitter: 'decorrelated',
  attemptTimeoutMs: 500,
  events,
  destination: 'flaky',
});
const budget = new RetryBudget({ ratio: 0.2 });
const breaker = new CircuitBreaker({ ...circuitBreakerPresets.strict, events, destination: 'flaky' });
events.on('circuit-state', (e) => console.log(`circuit ${e.from} → ${e.to}`));

let calls = 0;
async function flaky(): Promise<string> {
  calls++;
  if (calls % 3 !== 0) throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
  return `ok after ${calls} calls`;
}

for (let i = 0; i < 5; i++) {
  try {
    console.log(await breaker.execute(() => policy.execute(() => flaky(), { budget })));
  } catch (error) {
    console.log('gave up:', (error as Error).message);
  }
}
console.log(metrics.snapshot());
