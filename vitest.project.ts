/**
 * The settings every test project shares. File-based vitest projects do not inherit the root config's `test`
 * options, so each package's `vitest.config.ts` builds on this instead of repeating them; the root config's
 * projects use the same pieces.
 */
import swc from 'unplugin-swc';
import { defineProject, mergeConfig, type UserWorkspaceConfig } from 'vitest/config';

/** Tests run against the sources (the `@permissio/source` export condition): no build before `pnpm test`. */
export const sourceResolution = {
  resolve: { conditions: ['@permissio/source'] },
  ssr: { resolve: { conditions: ['@permissio/source'] } },
};

export const sharedTestOptions = {
  // The test files of a worker share one module cache: re-importing every source per file was about half the
  // run on 2 cores. A file that mocks a module runs in an isolated project instead (see the root config).
  isolate: false,
  // Spawned servers and fsync'ed writes are slow on a busy 2-core machine: generous limits.
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export function testProject(name: string, overrides: UserWorkspaceConfig = {}): UserWorkspaceConfig {
  const base = defineProject({
    ...sourceResolution,
    test: { ...sharedTestOptions, name, include: ['test/**/*.test.ts'] },
  });
  return mergeConfig(base, overrides);
}

/**
 * Nest reads constructor parameter types from decorator metadata, which esbuild (vitest's default transform) does
 * not emit: projects with Nest tests compile with SWC.
 */
export function nestDecorators(): ReturnType<typeof swc.vite> {
  return swc.vite({
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
  });
}
