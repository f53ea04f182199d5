/**
 * `permissio-server types`: seed → declaration file → a consumer that compiles
 * (and one that must not), the same file from a running server, `--check`
 * failing once the policy changed, and a 200-resource-type policy compiling
 * in about the time of an untyped consumer. Consumers are compiled with the
 * TypeScript compiler API against the sources of @permissio/core.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import type { PolicySnapshot } from '@permissio/core';
import { main } from '../src/cli/main.js';
import { runCliInProcess, tempDir } from './helpers.js';

const CORE_SOURCE = fileURLToPath(new URL('../../core/src/index.ts', import.meta.url));
const KEY = `permis_key_${'t'.repeat(40)}`;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function temp(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return dir;
}

/** `permissio-server <args>` in-process, for a command that exits by itself. */
async function cli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await main({
    argv: args,
    env,
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
  });
  return { code, out, err };
}

const POLICY: PolicySnapshot = {
  resources: [
    { key: 'document', actions: ['read', 'write', { key: 'delete', name: 'Delete' }] },
    { key: 'project', actions: ['view'] },
  ],
  roles: [{ key: 'editor', permissions: ['document:read', 'document:write'] }],
};

const GOOD_CONSUMER = `
import { Permissio, type ActionOf, type RegisteredShape } from '@permissio/core';
declare const permissio: Permissio;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const documentActions: Same<ActionOf<RegisteredShape, 'document'>, 'read' | 'write' | 'delete'> = true;
export async function run(): Promise<boolean[]> {
  const a = await permissio.check('alice', 'delete', { type: 'document', key: 'doc-1' });
  const b = await permissio.check('alice', 'view', 'project');
  const scope = permissio.createRequestScope({ user: 'alice' });
  const c = await scope.check('read', 'document');
  await permissio.api.roles.addPermission('editor', 'project:view');
  return [a, b, c];
}
`;

const BAD_CONSUMER = `
import { Permissio } from '@permissio/core';
declare const permissio: Permissio;
export const denied = permissio.check('alice', 'publish', 'document');
export const wrongType = permissio.check('alice', 'read', 'folder');
export const wrongPermission = permissio.api.roles.addPermission('editor', 'project:write');
`;

/** A strict ESM project resolving @permissio/core to its sources. */
function compilerOptions(): ts.CompilerOptions {
  return {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.esnext.disposable.d.ts'],
    types: [],
    skipLibCheck: true,
    paths: { '@permissio/core': [CORE_SOURCE] },
    allowImportingTsExtensions: true,
  };
}

/** Type errors of a consumer project made of `files` (name → text), compiled against core's sources. */
function compile(dir: string, files: Record<string, string>, oldProgram?: ts.Program) {
  const names = Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  const options = compilerOptions();
  const started = performance.now();
  const program = ts.createProgram({ rootNames: names, options, ...(oldProgram ? { oldProgram } : {}) });
  // The consumer's own files only: core's sources are type-checked by core's own `typecheck` (checking them here
  // again cost ~3 s per compile); the checker still resolves every core type the consumer uses.
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...names.flatMap((name) => {
      const file = program.getSourceFile(name);
      return file === undefined
        ? []
        : [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    }),
  ];
  const ms = performance.now() - started;
  const errors = diagnostics.map((d) => ({
    file: d.file === undefined ? '' : d.file.fileName.slice(dir.length + 1),
    line: d.file === undefined || d.start === undefined ? 0 : d.file.getLineAndCharacterOfPosition(d.start).line + 1,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
  return { errors, ms, program };
}

/** What an editor offers at each `|` of `source` (TypeScript's language service, as in VS Code). */
function completions(dir: string, files: Record<string, string>, source: string): string[][] {
  const texts: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) texts[join(dir, name)] = text;
  const app = join(dir, 'app.ts');
  const marks: number[] = [];
  let text = '';
  for (const part of source.split('|')) {
    text += part;
    marks.push(text.length);
  }
  marks.pop();
  texts[app] = text;
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => Object.keys(texts),
    getScriptVersion: () => '1',
    getScriptSnapshot: (file) => {
      const content = texts[file] ?? ts.sys.readFile(file);
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
    },
    getCurrentDirectory: () => dir,
    getCompilationSettings: () => compilerOptions(),
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (file) => file in texts || ts.sys.fileExists(file),
    readFile: (file) => texts[file] ?? ts.sys.readFile(file),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host);
  try {
    return marks.map((at) => (service.getCompletionsAtPosition(app, at, {})?.entries ?? []).map((e) => e.name).sort());
  } finally {
    service.dispose();
  }
}

describe('permissio-server types', () => {
  it('seed → declaration → a consumer compiles, a misspelt action/type/permission does not', {
    timeout: 120_000,
  }, async () => {
    const dir = temp();
    const seed = join(dir, 'policy.json');
    writeFileSync(seed, JSON.stringify(POLICY));
    const out = join(dir, 'permissio.d.ts');
    const written = await cli(['types', '--seed', seed, '--out', out]);
    expect(written).toMatchObject({ code: 0, err: '' });
    expect(written.out).toContain('2 resource type(s)');
    const declaration = readFileSync(out, 'utf8');
    expect(declaration).toContain(`permissio-server types --seed ${seed} --out ${out}`);
    expect(declaration).toContain(`{ key: "document"; actions: ["delete", "read", "write"] }`);

    const good = compile(dir, { 'good.ts': GOOD_CONSUMER, 'permissio.d.ts': declaration });
    expect(good.errors).toEqual([]);

    const bad = compile(dir, { 'bad.ts': BAD_CONSUMER, 'permissio.d.ts': declaration }, good.program);
    expect(bad.errors.map((e) => `${e.file}:${e.line}`)).toEqual(['bad.ts:4', 'bad.ts:5', 'bad.ts:6']);
    expect(bad.errors[0]?.message).toContain('"publish"');
    expect(bad.errors[1]?.message).toContain('"folder"');
    expect(bad.errors[2]?.message).toContain('"project:write"');

    // Without the declaration file the same consumer is untyped, and compiles.
    const untyped = compile(dir, { 'bad.ts': BAD_CONSUMER }, bad.program);
    expect(untyped.errors).toEqual([]);
  });

  it('the editor offers exactly the actions of the resource type, and the policy’s resource types', async () => {
    const dir = temp();
    const seed = join(dir, 'policy.json');
    writeFileSync(seed, JSON.stringify(POLICY));
    const out = join(dir, 'permissio.d.ts');
    expect((await cli(['types', '--seed', seed, '--out', out])).code).toBe(0);
    const offered = completions(
      dir,
      { 'permissio.d.ts': readFileSync(out, 'utf8') },
      `import { Permissio } from '@permissio/core';
declare const permissio: Permissio;
void permissio.check('alice', '|', 'document');
void permissio.check('alice', '|', { type: 'project', key: 'p' });
void permissio.createRequestScope({ user: 'alice' }).check('|', 'project');
void permissio.check('alice', 'read', '|');
void permissio.api.roles.addPermission('editor', '|');
`,
    );
    expect(offered).toEqual([
      ['delete', 'read', 'write'],
      ['view'],
      ['view'],
      ['document', 'project'],
      ['document:delete', 'document:read', 'document:write', 'project:view'],
    ]);
  });

  it('--check: 0 when up to date; 1 naming the file and the regenerate command once the policy changed', async () => {
    const dir = temp();
    const seed = join(dir, 'policy.json');
    const out = join(dir, 'types', 'permissio.d.ts');
    writeFileSync(seed, JSON.stringify(POLICY));
    const missing = await cli(['types', '--seed', seed, '--out', out, '--check']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`${out} is missing`);
    expect((await cli(['types', '--seed', seed, '--out', out])).code).toBe(0);
    expect(await cli(['types', '--seed', seed, '--out', out, '--check'])).toMatchObject({ code: 0, err: '' });
    // The header's command may spell the seed differently: only the declaration itself is compared.
    const relative = await cli(['types', '--seed', `${dir}/./policy.json`, '--out', out, '--check']);
    expect(relative).toMatchObject({ code: 0, err: '' });

    const changed = structuredClone(POLICY);
    changed.resources?.[1]?.actions?.push('archive');
    writeFileSync(seed, JSON.stringify(changed));
    const stale = await cli(['types', '--seed', seed, '--out', out, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.err).toContain(`${out} is out of date with the policy`);
    expect(stale.err).toContain(`Regenerate it with: permissio-server types --seed ${seed} --out ${out}`);
    // --check never writes.
    expect(readFileSync(out, 'utf8')).not.toContain('archive');
    expect((await cli(['types', '--seed', seed, '--out', out])).code).toBe(0);
    expect((await cli(['types', '--seed', seed, '--out', out, '--check'])).code).toBe(0);
  });

  it('from a running server with a key: the same declaration as from its seed; the key is never printed', async () => {
    const dir = temp();
    const seed = join(dir, 'policy.json');
    writeFileSync(seed, JSON.stringify(POLICY));
    const server = runCliInProcess(
      ['--seed', seed, '--db', ':memory:', '--port', '0', '--api-key', KEY, '--log-level', 'silent'],
      (cleanup) => cleanups.push(cleanup),
    );
    const url = await server.url;
    const fromSeed = join(dir, 'seed.d.ts');
    const fromServer = join(dir, 'server.d.ts');
    expect((await cli(['types', '--seed', seed, '--out', fromSeed])).code).toBe(0);
    const remote = await cli(['types', '--url', url, '--out', fromServer], { PERMISSIO_API_KEY: KEY });
    expect(remote).toMatchObject({ code: 0, err: '' });
    const body = (path: string) => readFileSync(path, 'utf8').split("import '@permissio/core';")[1];
    expect(body(fromServer)).toBe(body(fromSeed));
    expect(readFileSync(fromServer, 'utf8')).toContain('(key in PERMISSIO_API_KEY)');
    expect(readFileSync(fromServer, 'utf8')).not.toContain(KEY);

    const wrongKey = await cli([
      'types',
      '--url',
      url,
      '--api-key',
      `permis_key_${'w'.repeat(40)}`,
      '--out',
      fromServer,
    ]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toContain(`cannot read the policy from the server at ${url}`);
    expect(wrongKey.err).not.toContain('w'.repeat(40));
  });

  it('usage errors exit 2 and say what to give', async () => {
    expect(await cli(['types'])).toMatchObject({ code: 2 });
    expect((await cli(['types'])).err).toContain('give exactly one of --seed <file>');
    expect((await cli(['types', '--url', 'http://127.0.0.1:1'])).err).toContain('--url needs an API key');
    expect((await cli(['types', '--seed', 'x.json', '--bogus'])).code).toBe(2);
    const help = await cli(['types', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--check');
  });

  it('a policy of 200 resource types compiles in about the time of an untyped consumer', async () => {
    const dir = temp();
    const resources = Array.from({ length: 200 }, (_, i) => ({
      key: `type${i}`,
      actions: ['read', 'write', 'delete', 'share', `custom${i}`],
    }));
    const seed = join(dir, 'big.json');
    writeFileSync(seed, JSON.stringify({ resources }));
    const out = join(dir, 'permissio.d.ts');
    expect((await cli(['types', '--seed', seed, '--out', out])).code).toBe(0);
    const calls = resources
      .map((r, i) => `  await permissio.check('u', 'custom${i}', { type: '${r.key}', key: 'k' });`)
      .join('\n');
    const consumer = `import { Permissio } from '@permissio/core';
declare const permissio: Permissio;
export async function run(): Promise<void> {
${calls}
  await permissio.bulkCheck([{ user: 'u', action: 'share', resource: 'type199' }]);
  await permissio.api.roles.addPermission('r', 'type150:custom150');
}
`;
    // The untyped run warms the compiler (lib and core sources parsed): the typed one is not favoured.
    const warm = compile(dir, { 'app.ts': consumer });
    const untyped = compile(dir, { 'app.ts': consumer }, warm.program);
    expect(untyped.errors).toEqual([]);
    const typed = compile(dir, { 'app.ts': consumer, 'permissio.d.ts': readFileSync(out, 'utf8') }, warm.program);
    expect(typed.errors).toEqual([]);
    const [untypedMs, typedMs] = [untyped.ms, typed.ms];
    const misspelt = consumer.replace("'custom7', { type: 'type7'", "'custom7', { type: 'type8'");
    const bad = compile(dir, { 'app.ts': misspelt, 'permissio.d.ts': readFileSync(out, 'utf8') }, warm.program);
    expect(bad.errors.map((e) => e.message)).toEqual([expect.stringContaining('"custom7"')]);
    console.log(`200 resource types: typed ${typedMs.toFixed(0)} ms, untyped ${untypedMs.toFixed(0)} ms`);
    expect(typedMs / untypedMs).toBeLessThan(2);
  }, 180_000);
});
