import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@permissio/source'] },
  ssr: { resolve: { conditions: ['@permissio/source'] } },
  test: { name: 'filter', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 30_000 },
});
