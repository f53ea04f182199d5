import { defineConfig } from 'tsup';

export default defineConfig({
  // The main entry never imports vitest or Nest: `./vitest` registers the matchers, `./nestjs` holds the Nest module.
  entry: ['src/index.ts', 'src/vitest.ts', 'src/nestjs.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['vitest', /^@nestjs\//, /^@permissio\//],
});
