import { defineConfig } from 'tsup';

// fastify and better-sqlite3 are dependencies, so tsup leaves them external.
export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    // import.meta.url in the CJS build (service/grpc.ts finds proto/ next to dist/).
    shims: true,
  },
  {
    // The CLI: ESM only (package.json "bin" is bin/permissio-server.mjs, which imports dist/cli.js), with a shebang.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'es2022',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
