/**
 * Builds the CommonJS output of core and engine with each package's own
 * tsup config (no declarations, so it takes about a second) into a temporary
 * `node_modules`, and loads it with `require` — the way a `"module":
 * "commonjs"` application loads the published packages.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Options } from 'tsup';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface CjsBuild {
  /** `require` from a file beside the built packages' `node_modules`. */
  require: NodeJS.Require;
  remove(): void;
}

/**
 * The manifest without the `@permissio/source` condition: test workers may
 * run with that condition on, and the copy has no `src` to point it at.
 */
function withoutSourceCondition(json: string): string {
  return JSON.stringify(JSON.parse(json, (key, value: unknown) => (key === '@permissio/source' ? undefined : value)));
}

function dependencies(json: string): string[] {
  const manifest = JSON.parse(json) as Record<string, Record<string, string> | undefined>;
  return [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
}

/** Builds `packages/<dir>` for each of `dirs` as CommonJS under a temporary `node_modules/@permissio/`. */
export async function buildCjs(dirs: readonly string[]): Promise<CjsBuild> {
  const base = mkdtempSync(join(tmpdir(), 'permissio-cjs-'));
  for (const dir of dirs) {
    const source = join(root, 'packages', dir);
    const target = join(base, 'node_modules', '@permissio', dir);
    mkdirSync(target, { recursive: true });
    const manifest = readFileSync(join(source, 'package.json'), 'utf8');
    writeFileSync(join(target, 'package.json'), withoutSourceCondition(manifest));
    const config = (await import(pathToFileURL(join(source, 'tsup.config.ts')).href)) as { default: Options };
    const entry = (config.default.entry as string[]).map((file) => join(source, file));
    await build({
      ...config.default,
      entry,
      format: ['cjs'],
      outDir: join(target, 'dist'),
      dts: false,
      sourcemap: false,
      silent: true,
      config: false,
      tsconfig: join(source, 'tsconfig.json'),
      // tsup reads the dependencies to keep external from the working
      // directory's manifest; name the package's own, as its build would.
      external: dependencies(manifest),
    });
  }
  return {
    require: createRequire(join(base, 'index.cjs')),
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}
