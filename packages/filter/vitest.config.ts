import { testProject } from '../../vitest.project.js';

// The differential proofs run thousands of checks and SQL queries per test: a longer limit on a loaded machine.
export default testProject('filter', { test: { testTimeout: 60_000 } });
