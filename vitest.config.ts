import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests bind loopback ports and spawn processes; two cores cannot run many at once.
    maxWorkers: 2,
    // Compiles src/ for the tests that run the CLI and zero-code mode as child processes.
    globalSetup: ['test/helpers/build-for-children.ts'],
  },
});
