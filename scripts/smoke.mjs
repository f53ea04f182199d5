#!/usr/bin/env node
// Consumer smoke test: pack every published package, install the tarballs
// into a temporary project as a user would (npm, not the workspace), then
// import each package from ESM and CJS, JavaScript and TypeScript.
//
//   node scripts/smoke.mjs            (after `pnpm build`)
//   KEEP_SMOKE=1 node scripts/smoke.mjs  keeps the temporary project
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const published = ['core', 'engine', 'server', 'express', 'fastify', 'hono', 'nestjs', 'filter', 'testing'];
const dir = mkdtempSync(join(tmpdir(), 'permissio-smoke-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const started = Date.now();
try {
  const tarballs = {};
  for (const name of published) {
    const out = run('pnpm', ['pack', '--pack-destination', dir], join(root, 'packages', name));
    const file = readdirSync(dir).find((f) => f.startsWith(`permissio-${name}-`) && f.endsWith('.tgz'));
    if (!file) throw new Error(`pnpm pack produced no tarball for @permissio/${name}:\n${out}`);
    tarballs[`@permissio/${name}`] = `file:./${file}`;
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'permissio-smoke',
        private: true,
        dependencies: {
          ...tarballs,
          express: '^5.1.0',
          fastify: '^5.6.0',
          hono: '^4.9.0',
          '@nestjs/common': '^12.0.0',
          '@nestjs/core': '^12.0.0',
          'reflect-metadata': '^0.2.2',
          rxjs: '^7.8.2',
          typescript: '~5.9.3',
          '@types/node': '^20.19.0',
          '@types/express': '^5.0.0',
          'drizzle-orm': '^0.45.0',
        },
        overrides: tarballs,
      },
      null,
      2,
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], dir);

  // Every tarball ships the licence and points at its repository, home page and issue tracker.
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  for (const name of published) {
    const installed = join(dir, 'node_modules', '@permissio', name);
    if (readFileSync(join(installed, 'LICENSE'), 'utf8') !== license) {
      throw new Error(`@permissio/${name}: the packed LICENSE differs from the repository's LICENSE.`);
    }
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    const problems = [
      manifest.license === 'MIT' ? '' : 'license is not MIT',
      manifest.repository?.directory === `packages/${name}` ? '' : 'repository.directory is wrong',
      typeof manifest.homepage === 'string' && manifest.homepage.includes(`/packages/${name}`) ? '' : 'homepage',
      typeof manifest.bugs === 'string' && manifest.bugs.length > 0 ? '' : 'bugs',
      Array.isArray(manifest.keywords) && manifest.keywords.length > 0 ? '' : 'keywords',
    ].filter(Boolean);
    if (problems.length > 0) throw new Error(`@permissio/${name} package.json: ${problems.join(', ')}.`);
  }
  console.log('licence and metadata ok');

  const expectations = {
    '@permissio/core': ['Permissio', 'PermissioError', 'UserBuilder', 'ConfigBuilder'],
    '@permissio/engine': ['createEngine'],
    '@permissio/server': ['startServer'],
    '@permissio/express': ['permissio', 'requirePermission', 'resourceFromPath'],
    '@permissio/fastify': ['default', 'requirePermission', 'resourceFromPath'],
    '@permissio/hono': ['permissio', 'requirePermission', 'resourceFromPath'],
    '@permissio/nestjs': ['PermissioModule', 'RequirePermission', 'PermissioScope', 'resourceFromPath'],
    '@permissio/filter': ['toSql', 'toPredicate', 'PermissioFilterError'],
    '@permissio/filter/drizzle': ['toDrizzle'],
    '@permissio/testing': ['createTestPermissio', 'createDecisionRecorder', 'DecisionAssertionError', 'FAULTS'],
    '@permissio/testing/nestjs': ['PermissioTestingModule', 'overridePermissio', 'PERMISSIO_TESTING'],
  };
  const checks = Object.entries(expectations);
  writeFileSync(
    join(dir, 'esm.mjs'),
    [
      "import 'reflect-metadata';",
      ...checks.map(
        ([pkg, names], i) =>
          `import * as m${i} from '${pkg}';\nfor (const n of ${JSON.stringify(names)}) if (m${i}[n] === undefined) throw new Error('ESM: ${pkg} lacks ' + n);`,
      ),
      "console.log('esm ok');",
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'cjs.cjs'),
    [
      "require('reflect-metadata');",
      ...checks.map(
        ([pkg, names], i) =>
          `const m${i} = require('${pkg}');\nfor (const n of ${JSON.stringify(names.filter((n) => n !== 'default'))}) if (m${i}[n] === undefined) throw new Error('CJS: ${pkg} lacks ' + n);`,
      ),
      "console.log('cjs ok');",
    ].join('\n'),
  );
  const tsSource = [
    "import { Permissio, type CheckResource, type Decision } from '@permissio/core';",
    "import { createEngine } from '@permissio/engine';",
    "import { startServer } from '@permissio/server';",
    "import { permissio, requirePermission } from '@permissio/express';",
    "import permissioPlugin from '@permissio/fastify';",
    "import { permissio as honoPermissio } from '@permissio/hono';",
    "import { PermissioModule } from '@permissio/nestjs';",
    "import { toSql, toPredicate, type ResourcePlan } from '@permissio/filter';",
    "import { toDrizzle } from '@permissio/filter/drizzle';",
    "import { createTestPermissio, type TestPermissio } from '@permissio/testing';",
    "const testing: TestPermissio = createTestPermissio({ allow: [{ user: 'alice', action: 'read', resource: 'document' }] });",
    'const client = new Permissio({ pdp: createEngine() });',
    "const resource: CheckResource = { type: 'document', key: 'doc-1' };",
    "const decision: Promise<Decision> = client.checkDetailed('alice', 'read', resource);",
    "const allowed: Promise<boolean> = client.check('alice', 'read', resource);",
    "const plan: ResourcePlan = { kind: 'conditional', filter: { field: 'owner', op: 'eq', value: 'alice' } };",
    "const where: string = toSql(plan, { columns: { owner: 'owner_id' }, dialect: 'sqlite' }).sql;",
    "export const all = [where, toPredicate(plan), toDrizzle, decision, allowed, startServer, permissio({ client, user: () => 'alice' }), requirePermission('read', 'document'), permissioPlugin, honoPermissio, PermissioModule, testing.client];",
  ].join('\n');
  writeFileSync(join(dir, 'consumer.mts'), tsSource);
  writeFileSync(join(dir, 'consumer.cts'), tsSource);
  // Type-checks the consumer the way a TypeScript project with these module settings would.
  const typecheck = (module, moduleResolution, files, extra = []) =>
    run(
      'npx',
      [
        'tsc',
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        module,
        '--moduleResolution',
        moduleResolution,
      ].concat(extra, ['--target', 'es2022', '--types', 'node'], files),
      dir,
    );
  for (const mod of ['nodenext', 'node16']) typecheck(mod, mod, ['consumer.mts', 'consumer.cts']);
  // A plain CommonJS TypeScript project (`module: commonjs`, `moduleResolution: node10`): subpath exports are
  // invisible there, so the packages' types must resolve without them (typesVersions).
  writeFileSync(join(dir, 'consumer-node10.ts'), tsSource);
  typecheck('commonjs', 'node10', ['consumer-node10.ts'], ['--esModuleInterop']);
  typedConsumer(dir, typecheck);
  process.stdout.write(run('node', ['esm.mjs'], dir));
  process.stdout.write(run('node', ['cjs.cjs'], dir));
  // The packages actually work from the tarballs, not just import.
  writeFileSync(
    join(dir, 'works.mjs'),
    `import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
const client = new Permissio({ pdp: createEngine({
  resources: [{ key: 'document', actions: ['read'] }],
  roles: [{ key: 'viewer', permissions: ['document:read'] }],
  roleAssignments: [{ user: 'alice', role: 'viewer' }],
}) });
if ((await client.check('alice', 'read', 'document')) !== true) throw new Error('alice should read');
if ((await client.check('bob', 'read', 'document')) !== false) throw new Error('bob should not read');
console.log('engine ok');
const { createTestPermissio } = await import('@permissio/testing');
const testing = createTestPermissio({ allow: [['alice', 'read', 'document:doc-1']] });
if ((await testing.client.check('alice', 'read', { type: 'document', key: 'doc-1' })) !== true) throw new Error('testing: alice should read doc-1');
testing.fault('unavailable');
if ((await testing.client.check('alice', 'read', 'document').then(() => 'allowed', (e) => e.code)) !== 'NETWORK_ERROR') throw new Error('testing: the fault should reject');
testing.recorder.assertAllowed({ user: 'alice', resource: 'document:doc-1' });
console.log('testing ok');`,
  );
  process.stdout.write(run('node', ['works.mjs'], dir));
  await pnpmServerConsumer(dir, tarballs);
  console.log(
    `smoke test passed: ${published.length} packages from tarballs, ESM + CJS, JS + TS (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
} finally {
  if (process.env.KEEP_SMOKE) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/**
 * Typed policies from the tarballs: `permissio-server types` writes the declaration file of a seed, a consumer using
 * it compiles, and one with a misspelt action, resource type or permission does not (with those errors).
 */
function typedConsumer(smokeDir, typecheck) {
  const typed = join(smokeDir, 'typed');
  mkdirSync(typed);
  writeFileSync(join(typed, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(typed, 'seed.json'),
    JSON.stringify({
      resources: [
        { key: 'document', actions: ['read', 'write'] },
        { key: 'project', actions: ['view'] },
      ],
    }),
  );
  run('npx', ['permissio-server', 'types', '--seed', 'seed.json', '--out', 'permissio.d.ts'], typed);
  run('npx', ['permissio-server', 'types', '--seed', 'seed.json', '--out', 'permissio.d.ts', '--check'], typed);
  const header = [
    "import { Permissio } from '@permissio/core';",
    "import { requirePermission } from '@permissio/express';",
    "import { requirePermission as fastifyRequire } from '@permissio/fastify';",
    "import { requirePermission as honoRequire } from '@permissio/hono';",
    "import { RequirePermission } from '@permissio/nestjs';",
    'declare const permissio: Permissio;',
  ];
  writeFileSync(
    join(typed, 'good.ts'),
    [
      ...header,
      "export const a = permissio.check('alice', 'write', { type: 'document', key: 'd' });",
      "export const b = permissio.createRequestScope({ user: 'alice' }).check('view', 'project');",
      "export const c = permissio.api.roles.addPermission('editor', 'document:read');",
      "export const d = [requirePermission('read', 'document'), fastifyRequire('view', 'project'), honoRequire('write', 'document'), RequirePermission('read', 'document')];",
    ].join('\n'),
  );
  writeFileSync(
    join(typed, 'bad.ts'),
    [
      ...header,
      "export const a = permissio.check('alice', 'publish', 'document');",
      "export const b = permissio.check('alice', 'read', 'folder');",
      "export const c = permissio.api.roles.addPermission('editor', 'project:write');",
      "export const d = requirePermission('view', 'document');",
      "export const e = fastifyRequire('read', 'project');",
      "export const f = honoRequire('view', 'document');",
      "export const g = RequirePermission('read', 'project');",
    ].join('\n'),
  );
  const files = (name) => [join('typed', 'permissio.d.ts'), join('typed', name)];
  typecheck('nodenext', 'nodenext', files('good.ts'));
  let failed;
  try {
    typecheck('nodenext', 'nodenext', files('bad.ts'));
  } catch (error) {
    failed = String(error.stdout);
  }
  const expected = ['(7,', '(8,', '(9,', '(10,', '(11,', '(12,', '(13,'].map((at) => `typed/bad.ts${at}`);
  if (failed === undefined || !expected.every((at) => failed.includes(at))) {
    throw new Error(`typed consumer: bad.ts must fail on each of its 7 lines, got:\n${failed ?? 'no error'}`);
  }
  // Without the declaration file, the same code is untyped (plain strings) and compiles.
  typecheck('nodenext', 'nodenext', [join('typed', 'bad.ts')]);
  console.log('typed policies ok: the generated declaration types core and the four adapters');
}

/**
 * A pnpm 10 project that installs @permissio/server from its tarball the way the server README says (better-sqlite3
 * allowed to build), then starts `permissio-server` through pnpm's bin link and asks it for /healthz.
 */
async function pnpmServerConsumer(smokeDir, tarballs) {
  const project = join(smokeDir, 'pnpm-consumer');
  mkdirSync(project);
  const local = Object.fromEntries(
    Object.entries(tarballs).map(([name, spec]) => [name, spec.replace('file:./', 'file:../')]),
  );
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'permissio-pnpm-consumer',
        private: true,
        dependencies: { '@permissio/server': local['@permissio/server'] },
        pnpm: { overrides: local, onlyBuiltDependencies: ['better-sqlite3'] },
      },
      null,
      2,
    ),
  );
  writeFileSync(join(project, 'seed.json'), JSON.stringify({ resources: [{ key: 'document', actions: ['read'] }] }));
  run('pnpm', ['install', '--config.confirmModulesPurge=false', '--reporter=silent'], project);
  const child = spawn(
    'pnpm',
    [
      'exec',
      'permissio-server',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      join(project, 'p.db'),
      '--seed',
      'seed.json',
    ],
    {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  try {
    const url = await new Promise((resolvePromise, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`permissio-server did not start within 30 s:\n${output}`)),
        30_000,
      );
      const poll = setInterval(() => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match !== null) {
          clearTimeout(timer);
          clearInterval(poll);
          resolvePromise(match[1]);
        }
      }, 50);
      child.once('exit', (code) => {
        clearTimeout(timer);
        clearInterval(poll);
        reject(new Error(`permissio-server exited with ${code}:\n${output}`));
      });
    });
    const health = await fetch(`${url}/healthz`);
    if (health.status !== 200) throw new Error(`GET /healthz answered ${health.status}`);
    console.log(`pnpm consumer ok: permissio-server from the tarball answered /healthz at ${url}`);
  } finally {
    child.kill('SIGTERM');
  }
}
