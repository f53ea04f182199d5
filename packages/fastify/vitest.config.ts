import { testProject } from '../../vitest.project.js';

// The late-import test needs a fresh module graph: it runs in the `isolated` project (root vitest.config.ts).
export default testProject('fastify', { test: { exclude: ['test/coverage-late-import.test.ts'] } });
