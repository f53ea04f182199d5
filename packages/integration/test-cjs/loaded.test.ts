/**
 * Guards `vitest.cjs.config.ts`: the packages the matrix drives really are
 * the CommonJS builds, loaded by Node's CommonJS loader (one copy each).
 */
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

const PACKAGES = ['core', 'express', 'fastify', 'hono', 'nestjs'] as const;

it('every @permissio package comes from dist/*.cjs', async () => {
  // Imported through the config's resolver, as the matrix's imports are.
  const modules = await Promise.all(
    PACKAGES.map((dir) => import(/* @vite-ignore */ `@permissio/${dir}`) as Promise<Record<string, unknown>>),
  );
  expect(modules.every((module) => Object.keys(module).length > 0)).toBe(true);
  const loaded = Object.keys(createRequire(import.meta.url).cache).map((path) => path.replaceAll('\\', '/'));
  for (const dir of PACKAGES) {
    expect(loaded).toContainEqual(expect.stringMatching(new RegExp(`/packages/${dir}/dist/index\\.cjs$`)));
  }
  expect(loaded).toContainEqual(expect.stringMatching(/\/packages\/core\/dist\/internal\.cjs$/));
  expect(loaded.filter((path) => /\/packages\/[a-z]+\/src\//.test(path))).toEqual([]);
});
