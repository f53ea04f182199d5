import { defineConfig } from 'vitest/config';
import { coverageThresholds } from './coverage-thresholds.js';

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/*/vitest.config.ts'],
    // Vitest's default is one worker fewer than the CPUs (1 on a 2-core machine); the suite waits on sockets and
    // child processes often enough that one worker per CPU is ~25% faster there.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['packages/adapter-testkit/**', 'packages/conformance/**', '**/*.d.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: coverageThresholds,
    },
  },
});
