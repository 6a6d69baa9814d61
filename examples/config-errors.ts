/**
 * What a bad config looks like to code: createOffpath throws a ConfigError whose issues say where,
 * what and how to fix, as { path, message, hint }. The same problems come out of `offpath check --json`.
 * Run: npx tsx examples/config-errors.ts
 */
import { ConfigError, createOffpath, formatConfigIssue } from '../src/index.js';

try {
  createOffpath({
    destinations: [
      // Typical mistakes: a typo, a number written as text, a preset that does not exist, a bad pattern.
      { name: 'ops', type: 'discord', url: 'https://discord.com/api/webhooks/1/token', minLevl: 'warn' },
      { name: 'lake', type: 'http', url: 'http://127.0.0.1:9/in', batch: { maxSize: 'ten' }, retry: 'fast' },
    ],
    routes: [{ destinations: ['ops'], urls: ['/checkout(/'] }],
    // TypeScript flags these mistakes too; the cast lets them reach the runtime check, as a JSON file would.
  } as never);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  for (const issue of error.issues) console.log(formatConfigIssue(issue));
  // destinations[0].minLevl: unknown setting (did you mean "minLevel"?)
  // destinations[1].batch.maxSize: expected a positive integer, got "ten"
  // destinations[1].retry: expected one of defaults, aggressive, noRetry, persistent, or an object, got "fast"
  // routes[0].urls[0]: is not a valid regular expression (Unterminated group)
  console.log(JSON.stringify(error.issues[0]));
}
