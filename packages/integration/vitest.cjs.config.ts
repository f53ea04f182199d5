/**
 * The adapters' scenario matrix against the CommonJS builds (issue 10,
 * #10): every `@permissio/*` import — the adapters under test, core, engine
 * and server used by the testkit — resolves to the package's `require`
 * target in `dist/`, loaded by Node's own CommonJS loader, exactly as a
 * `"module": "commonjs"` application loads the published packages.
 *
 * Needs the builds: `pnpm build`, then
 * `pnpm exec vitest run --config packages/integration/vitest.cjs.config.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PACKAGES = ['core', 'engine', 'server', 'express', 'fastify', 'hono', 'nestjs'];
const ADAPTERS = ['express', 'fastify', 'hono', 'nestjs'];

type Target = string | { require?: { default?: string } | string };

/** `dist/…cjs` of `@permissio/<dir>` + `subpath`, from its exports map's `require` condition. */
function requireTarget(dir: string, subpath: string): string {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
    exports: Record<string, Target>;
  };
  const entry = manifest.exports[subpath];
  const target = typeof entry === 'object' ? entry.require : undefined;
  const file = typeof target === 'object' ? target.default : target;
  if (file === undefined) throw new Error(`@permissio/${dir} has no require target for "${subpath}".`);
  const path = join(root, 'packages', dir, file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`pnpm build\` first.`);
  return path;
}

function commonJsBuilds(): Plugin {
  return {
    name: 'permissio-commonjs-builds',
    enforce: 'pre',
    resolveId(source, importer) {
      const named = /^@permissio\/([a-z]+)(\/[a-z]+)?$/.exec(source);
      if (named?.[1] !== undefined && PACKAGES.includes(named[1])) {
        return { id: requireTarget(named[1], named[2] === undefined ? '.' : `.${named[2]}`), external: true };
      }
      if (importer !== undefined && source.startsWith('.')) {
        const path = resolve(dirname(importer), source);
        for (const dir of ADAPTERS) {
          if (/[\\/]src[\\/]index\.[jt]s$/.test(path) && path.startsWith(join(root, 'packages', dir, 'src'))) {
            return { id: requireTarget(dir, '.'), external: true };
          }
        }
      }
      return null;
    },
  };
}

// Nest reads constructor parameter types from decorator metadata: compile its tests with SWC, as its own config does.
const nestRequire = createRequire(join(root, 'packages/nestjs/package.json'));
const swc = nestRequire('unplugin-swc') as { default: { vite: (options: object) => Plugin } };

export default defineConfig({
  root,
  plugins: [
    commonJsBuilds(),
    swc.default.vite({
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'es6' },
    }),
  ],
  test: {
    name: 'matrix-cjs',
    include: [
      'packages/integration/test-cjs/*.test.ts',
      'packages/{express,fastify,hono}/test/matrix.test.ts',
      'packages/nestjs/test/matrix.*.test.ts',
    ],
    server: { deps: { external: [/[\\/]packages[\\/][a-z]+[\\/]dist[\\/].*\.cjs$/] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
