/**
 * Listing the documents a user may read out of 100,000 rows in SQLite:
 *
 * - plan path: `engine.plan(...)` + `toSql(...)` + one SELECT;
 * - naive path: SELECT every row, then `engine.check(...)` per row.
 *
 * Both must return the same keys (asserted). Reports the median of several
 * runs per user and the ratio. Run: pnpm --filter @permissio/filter bench
 */
import { createEngine } from '@permissio/engine';
import Database from 'better-sqlite3';
import { toSql } from '../src/index.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const USERS = ['alice', 'bob', 'carol', 'dave'];
const DEPTS = ['eng', 'sales', 'ops', 'legal'];

const engine = createEngine({
  resources: [
    {
      key: 'document',
      actions: ['read', 'write'],
      attributes: [
        { key: 'owner', type: 'string' },
        { key: 'dept', type: 'string' },
        { key: 'public', type: 'bool' },
      ],
    },
  ],
  userAttributes: [{ key: 'dept', type: 'string' }],
  roles: [{ key: 'viewer', permissions: ['document:read'] }],
  users: USERS.map((key, i) => ({ key, attributes: { dept: DEPTS[i % DEPTS.length] } })),
  roleAssignments: [
    // Instance roles: a few shared documents each.
    ...USERS.flatMap((user, u) =>
      Array.from({ length: 20 }, (_, i) => ({
        user,
        role: 'viewer',
        resourceInstance: `document:doc-${u * 997 + i * 31}`,
      })),
    ),
    // A URI role on one project.
    { user: 'carol', role: 'viewer', resourceInstance: '/projects/7' },
  ],
  conditionSets: [
    { key: 'everyone', type: 'userset', conditions: { 'user.key': { exists: true } } },
    {
      key: 'own-or-public-in-dept',
      type: 'resourceset',
      resourceType: 'document',
      conditions: {
        anyOf: [
          { 'resource.owner': { equals: { ref: 'user.key' } } },
          { allOf: [{ 'resource.public': { equals: true } }, { 'resource.dept': { equals: { ref: 'user.dept' } } }] },
        ],
      },
    },
  ],
  conditionSetRules: [{ userSet: 'everyone', permission: 'document:read', resourceSet: 'own-or-public-in-dept' }],
});

const db = new Database(':memory:');
db.exec(`CREATE TABLE documents (id TEXT PRIMARY KEY, uri TEXT, owner TEXT, dept TEXT, public INTEGER, title TEXT);
CREATE INDEX documents_owner ON documents (owner);
CREATE INDEX documents_uri ON documents (uri);
CREATE INDEX documents_public_dept ON documents (public, dept);`);
const insert = db.prepare('INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)');
let seed = 42;
const rand = (n: number) => {
  // xorshift32
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};
db.transaction(() => {
  for (let i = 0; i < ROWS; i++) {
    insert.run(
      `doc-${i}`,
      `/projects/${rand(500)}/documents/doc-${i}`,
      `user-${rand(5000)}`,
      DEPTS[rand(DEPTS.length)],
      rand(100) === 0 ? 1 : 0,
      `Document ${i}`,
    );
  }
  for (const user of USERS) for (let i = 0; i < 25; i++) insert.run(`own-${user}-${i}`, null, user, 'eng', 0, 'Mine');
})();

interface DocRow {
  id: string;
  uri: string | null;
  owner: string | null;
  dept: string | null;
  public: number | null;
  title: string;
}
const columns = { key: 'id', uri: 'uri', owner: 'owner', dept: 'dept', public: 'public' };

function viaPlan(user: string): string[] {
  const plan = engine.plan(user, 'read', 'document');
  const { sql, params } = toSql(plan, { columns, dialect: 'sqlite' });
  return (db.prepare(`SELECT * FROM documents WHERE ${sql}`).all(...params) as DocRow[]).map((r) => r.id);
}

function naive(user: string): string[] {
  const rows = db.prepare('SELECT * FROM documents').all() as DocRow[];
  const out: string[] = [];
  for (const r of rows) {
    const attributes: Record<string, unknown> = { owner: r.owner, dept: r.dept, public: r.public === 1 };
    const resource =
      r.uri === null
        ? { type: 'document', key: r.id, attributes }
        : { type: 'document', key: r.id, uri: r.uri, attributes };
    if (engine.check({ user, action: 'read', resource })) out.push(r.id);
  }
  return out;
}

function median(list: number[]): number {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(run: () => string[]): { ms: number; count: number } {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    count = run().length;
    times.push(performance.now() - start);
  }
  return { ms: median(times), count };
}

console.log(`${ROWS.toLocaleString('en')} documents in SQLite (better-sqlite3, in memory), median of ${RUNS} runs\n`);
console.log('| user | allowed | plan + SQL (ms) | load all + check each (ms) | ratio |');
console.log('| ---- | ------: | --------------: | -------------------------: | ----: |');
const ratios: number[] = [];
for (const user of USERS) {
  const a = new Set(viaPlan(user));
  const b = naive(user);
  if (a.size !== b.length || b.some((k) => !a.has(k))) throw new Error(`plan and check disagree for ${user}`);
  const fast = time(() => viaPlan(user));
  const slow = time(() => naive(user));
  const ratio = slow.ms / fast.ms;
  ratios.push(ratio);
  console.log(`| ${user} | ${fast.count} | ${fast.ms.toFixed(2)} | ${slow.ms.toFixed(1)} | ${ratio.toFixed(0)}× |`);
}
const worst = Math.min(...ratios);
console.log(`\nslowest ratio: ${worst.toFixed(1)}× (target ≥ 20×)`);
db.close();
if (worst < 20) process.exitCode = 1;
