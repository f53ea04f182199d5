/**
 * The settings every test project shares. File-based vitest projects do not inherit the root config's `test`
 * options, so each package's `vitest.config.ts` builds on this instead of repeating them.
 */
import { defineProject, mergeConfig, type UserWorkspaceConfig } from 'vitest/config';

export function testProject(name: string, overrides: UserWorkspaceConfig = {}): UserWorkspaceConfig {
  const base = defineProject({
    // Tests run against the sources (the `@permissio/source` export condition): no build before `pnpm test`.
    resolve: { conditions: ['@permissio/source'] },
    ssr: { resolve: { conditions: ['@permissio/source'] } },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      // The test files of a worker share one module cache: re-importing every source per file was about half the
      // run on 2 cores. A file that mocks a module runs in an isolated project instead (see the root config).
      isolate: false,
      // Spawned servers and fsync'ed writes are slow on a busy 2-core machine: generous limits.
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
  return mergeConfig(base, overrides);
}
