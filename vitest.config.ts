import { defineConfig } from 'vitest/config';
import { coverageThresholds } from './coverage-thresholds.js';

export default defineConfig({
  test: {
    // Each project builds on vitest.project.ts (sources, `isolate: false`, timeouts). A file that mocks a module for
    // its whole graph runs in an isolated project of its own.
    projects: [
      'packages/*/vitest.config.ts',
      'examples/*/vitest.config.ts',
      {
        // Not `extends` a package's project: vitest concatenates include/exclude lists, which would run every file.
        resolve: { conditions: ['@permissio/source'] },
        ssr: { resolve: { conditions: ['@permissio/source'] } },
        test: {
          name: 'isolated',
          // A fresh module graph per file: the binding test mocks better-sqlite3; the late-import test must load
          // @permissio/fastify after its Fastify instance exists (other files of a shared worker loaded it first).
          include: [
            'packages/server/test/sqlite-binding.test.ts',
            'packages/fastify/test/coverage-late-import.test.ts',
          ],
          isolate: true,
          testTimeout: 30_000,
        },
      },
    ],
    // Vitest's default is one worker fewer than the CPUs (1 on a 2-core machine); the suite waits on sockets and
    // child processes often enough that one worker per CPU is ~25% faster there.
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['packages/adapter-testkit/**', 'packages/conformance/**', '**/*.d.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: coverageThresholds,
    },
  },
});
