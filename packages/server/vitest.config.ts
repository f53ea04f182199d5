import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@permissio/source'] },
  ssr: { resolve: { conditions: ['@permissio/source'] } },
  // Spawned servers and fsync'ed writes are slow on a busy machine: generous per-test limit.
  test: {
    name: 'server',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // One throwaway PostgreSQL server for the run; each file creates its own database on it.
    globalSetup: ['test/support/postgres-global-setup.ts'],
  },
});
