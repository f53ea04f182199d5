import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/internal.ts'],
  format: ['esm', 'cjs'],
  // One copy of every module per format: without splitting, the CommonJS
  // `index.cjs` and `internal.cjs` would each bundle their own error classes
  // and `instanceof` across the two entry points would miss (issue 10, #10).
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
