import { defineConfig } from 'vitest/config';
import { coverageThresholds } from './coverage-thresholds.js';
import { SlowFirstSequencer } from './vitest.sequencer.js';
import { nestDecorators, sharedTestOptions, sourceResolution } from './vitest.project.js';

/** Test files that use NestJS decorators (compiled with SWC in the `nest` project). */
const NEST = ['packages/nestjs/test/**/*.test.ts', 'packages/*/test/**/*nest*.test.ts'];

/** Files that need a fresh module graph each (they run in the `isolated` project, not in `main`). */
const ISOLATED = [
  // Mocks better-sqlite3 for its whole module graph.
  'packages/server/test/sqlite-binding.test.ts',
  // Must load @permissio/fastify after its Fastify instance exists (other files of a shared worker loaded it first).
  'packages/fastify/test/coverage-late-import.test.ts',
];

export default defineConfig({
  test: {
    // `pnpm test` runs every package's and example's tests as ONE project (`main`): each vitest project has its own
    // Vite server, so with one project per package (16) every shared source (core, engine …) was transformed and
    // imported up to 16 times. A package's own `vitest.config.ts` is still what `vitest run` in that package uses.
    // Nest's decorator metadata needs SWC: @permissio/nestjs's tests, and any other package's test file with `nest` in
    // its name, run in the `nest` project.
    projects: [
      {
        ...sourceResolution,
        test: {
          ...sharedTestOptions,
          name: 'main',
          include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...NEST, ...ISOLATED],
          // One throwaway PostgreSQL server for the run (the server's and the filter's PostgreSQL proofs): the filter's
          // setup reuses the one the server's started.
          globalSetup: [
            'packages/server/test/support/postgres-global-setup.ts',
            'packages/filter/test/support/postgres-global-setup.ts',
          ],
          // The differential proofs and the demo run thousands of checks or start processes: a longer limit.
          testTimeout: 60_000,
        },
      },
      {
        ...sourceResolution,
        plugins: [nestDecorators()],
        test: { ...sharedTestOptions, name: 'nest', include: NEST, exclude: ['**/node_modules/**', ...ISOLATED] },
      },
      {
        ...sourceResolution,
        test: { ...sharedTestOptions, name: 'isolated', include: ISOLATED, isolate: true },
      },
    ],
    // Vitest's default is one worker fewer than the CPUs (1 on a 2-core machine); the suite waits on sockets and
    // child processes often enough that one worker per CPU is ~25% faster there.
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
    // `pnpm test:coverage` (CI) enforces the per-package floors; `pnpm test` runs without coverage (~25% faster).
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['packages/adapter-testkit/**', 'packages/conformance/**', '**/*.d.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: coverageThresholds,
    },
  },
});
