import { testProject } from '../../vitest.project.js';

// The differential proofs run thousands of checks and SQL queries per test: a longer limit on a loaded machine.
// The PostgreSQL legs run on a throwaway PostgreSQL (the server tests' helper), skipped without PostgreSQL binaries.
export default testProject('filter', {
  test: { testTimeout: 60_000, globalSetup: ['test/support/postgres-global-setup.ts'] },
});
