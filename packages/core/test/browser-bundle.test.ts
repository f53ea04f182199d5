/**
 * Core must run wherever `fetch` does (browsers, Workers, Deno, Bun): bundle
 * src for a browser target and fail on any Node built-in import.
 */
import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The slice of esbuild's API this test uses (esbuild is not a direct dependency). */
interface ResolveArgs {
  path: string;
  importer: string;
}
interface EsbuildPlugin {
  name: string;
  setup(build: {
    onResolve(
      options: { filter: RegExp },
      callback: (args: ResolveArgs) => { path: string; external: boolean } | undefined,
    ): void;
  }): void;
}
interface EsbuildResult {
  outputFiles?: { text: string }[];
  metafile?: { inputs: Record<string, unknown> };
}
type Build = (options: Record<string, unknown> & { plugins: EsbuildPlugin[] }) => Promise<EsbuildResult>;

const require = createRequire(import.meta.url);
// esbuild is not a direct dependency: resolve it through tsup, which ships with it.
const { build } = require(createRequire(require.resolve('tsup')).resolve('esbuild')) as { build: Build };

describe('browser bundle', () => {
  it('bundles src/index.ts for the browser with no Node built-ins and no runtime deps', async () => {
    const nodeImports: string[] = [];
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
      plugins: [
        {
          name: 'forbid-node',
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) => {
              const bare = args.path.replace(/^node:/, '');
              if (args.path.startsWith('node:') || builtinModules.includes(bare)) {
                nodeImports.push(`${args.path} (from ${args.importer})`);
                return { path: args.path, external: true };
              }
              return undefined;
            });
          },
        },
      ],
    });
    expect(nodeImports).toEqual([]);
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    expect(inputs.every((file) => file.includes('packages/core/src/'))).toBe(true);
    const code = result.outputFiles?.[0]?.text ?? '';
    expect(code).not.toMatch(/\bprocess\.|\bBuffer\b|require\(/);
  });
});
