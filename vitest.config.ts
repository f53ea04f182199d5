import { defineConfig } from 'vitest/config';
import { coverageThresholds } from './coverage-thresholds.js';

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/*/vitest.config.ts'],
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
