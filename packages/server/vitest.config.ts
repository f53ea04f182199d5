import { testProject } from '../../vitest.project.js';

// The binding test mocks better-sqlite3 for its whole module graph: it runs alone in the `server-isolated` project
// (root vitest.config.ts).
export default testProject('server', { test: { exclude: ['test/sqlite-binding.test.ts'] } });
