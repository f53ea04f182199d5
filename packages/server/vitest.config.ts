import { testProject } from '../../vitest.project.js';

export default testProject('server', {
  test: {
    // The binding test mocks better-sqlite3 for its whole module graph: it runs alone in the `isolated`
    // project (root vitest.config.ts).
    exclude: ['test/sqlite-binding.test.ts'],
    // One throwaway PostgreSQL server for the run; each file creates its own database on it.
    globalSetup: ['test/support/postgres-global-setup.ts'],
  },
});
