/**
 * The public surface of every published package, pinned: the runtime names
 * each entry point of each package's `exports` map provides, checked against
 * the committed `api-surface.json`. A new export (or a new entry point) fails
 * this test until the JSON is updated — run
 * `UPDATE_API_SURFACE=1 pnpm exec vitest run --project integration api-surface`
 * and commit the change — so it is always a deliberate choice. The file is
 * compared as data, so the formatter may lay it out as it likes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGES = ['core', 'engine', 'server', 'express', 'fastify', 'nestjs', 'hono', 'testing'] as const;
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

type ExportsMap = Record<string, string | Record<string, unknown>>;

/** Entry points with code: `"."`, `"./internal"` …, not `package.json` nor JSON files. */
function entryPoints(dir: string): { name: string; entries: [string, string][] } {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
    name: string;
    exports: ExportsMap;
  };
  const entries: [string, string][] = [];
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    const source = typeof target === 'string' ? undefined : target['@permissio/source'];
    if (typeof source === 'string' && source.endsWith('.ts')) entries.push([subpath, source]);
  }
  return { name: manifest.name, entries };
}

async function surface(): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const dir of PACKAGES) {
    const { name, entries } = entryPoints(dir);
    for (const [subpath, source] of entries) {
      const module = (await import(pathToFileURL(join(root, dir, source)).href)) as Record<string, unknown>;
      const id = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
      result[id] = Object.keys(module).sort();
    }
  }
  return result;
}

describe('public API surface', () => {
  it('every published entry point exports exactly the committed names', async () => {
    const actual = await surface();
    expect(Object.keys(actual)).toContain('@permissio/core/internal');
    const file = join(root, 'integration/test/api-surface.json');
    if (process.env.UPDATE_API_SURFACE === '1' || !existsSync(file)) {
      writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    }
    const committed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    expect(actual, 'public exports changed: if deliberate, update api-surface.json (see the header)').toEqual(
      committed,
    );
  });

  it('core keeps the sibling-only helpers off its client API', async () => {
    const actual = await surface();
    const internalOnly = [
      'assertKey',
      'parsePermission',
      'canonicalizeResourceUri',
      'uriAncestors',
      'statusForError',
      'MAX_BULK',
      'parseRetryAfter',
      'backoffDelay',
      'canonicalJson',
      'checkCacheKey',
      'apiErrorFromStatus',
    ];
    for (const name of internalOnly) {
      expect(actual['@permissio/core']).not.toContain(name);
      expect(actual['@permissio/core/internal']).toContain(name);
    }
  });
});
