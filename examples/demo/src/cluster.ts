/**
 * `pnpm demo:cluster`: two permissio-server replicas on one PostgreSQL,
 * behind a small round-robin proxy. The SDK client writes through one
 * replica and checks at once through the other; the table shows which
 * replica answered, the consistency sent and the revision.
 *
 * PostgreSQL: PERMISSIO_DATABASE_URL when set (its tables are created if
 * missing; use an empty database), else a throwaway server from the
 * machine's binaries (/usr/lib/postgresql/<version>/bin), removed at exit.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { Permissio } from '@permissio/core';
import { generateApiKey, type PermissioServer, startServer } from '@permissio/server';
import { createTestDatabase, startTestPostgres } from '../../../packages/server/test/support/postgres.js';
import { policy } from '../../shared/policy.js';

interface Row {
  step: string;
  replica: string;
  consistency: string;
  revision: string;
  answer: string;
}

let database = process.env.PERMISSIO_DATABASE_URL;
let stopPostgres: (() => void) | undefined;
if (!database) {
  process.stdout.write('Starting a throwaway PostgreSQL …\n');
  const pg = await startTestPostgres();
  stopPostgres = () => pg.stop();
  database = await createTestDatabase(pg.url, 'permissio_cluster_demo');
}

const key = generateApiKey();
const scope = { projectId: 'demo', environmentId: 'dev' };
const replicas: PermissioServer[] = await Promise.all(
  [1, 2].map(() =>
    startServer({
      port: 0,
      database,
      // This walk-through writes (users, role assignments) as well as checks: an `admin` key.
      apiKeys: [{ key, ...scope, scopes: ['admin'] }],
      seed: policy,
      rateLimits: false,
      pollInterval: 1000,
    }),
  ),
);

// The load balancer: request i goes to replica i mod 2; it notes who answered what.
const seen: { replica: number; consistency: string; revision: string }[] = [];
let next = 0;
async function readAll(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk.toString();
  return text;
}
const proxy = createServer((request, response) => {
  void (async () => {
    const target = next++ % replicas.length;
    const body = await readAll(request);
    const answer = await fetch(`${replicas[target]?.url}${request.url}`, {
      method: request.method ?? 'GET',
      headers: {
        authorization: request.headers.authorization ?? '',
        'content-type': request.headers['content-type'] ?? 'application/json',
      },
      body: body === '' ? undefined : body,
    });
    const text = await answer.text();
    const consistency = body === '' ? undefined : (JSON.parse(body) as { consistency?: unknown }).consistency;
    seen.push({
      replica: target + 1,
      consistency: consistency === undefined ? '—' : JSON.stringify(consistency),
      revision: answer.headers.get('permissio-revision') ?? '—',
    });
    const headers: Record<string, string> = {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    };
    const revision = answer.headers.get('permissio-revision');
    if (revision !== null) headers['permissio-revision'] = revision;
    response.writeHead(answer.status, headers);
    response.end(text);
  })().catch(() => {
    response.statusCode = 502;
    response.end();
  });
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const address = proxy.address();
const apiUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

const rows: Row[] = [];
async function step(name: string, run: () => Promise<unknown>): Promise<void> {
  const from = seen.length;
  const answer = await run();
  const last = seen.slice(from).at(-1);
  rows.push({
    step: name,
    replica: last ? `#${last.replica}` : '?',
    consistency: last?.consistency ?? '—',
    revision: last?.revision ?? '—',
    answer: answer === undefined ? 'ok' : JSON.stringify(answer),
  });
}

try {
  const permissio = new Permissio({ token: key, apiUrl, ...scope });
  const user = 'frank@acme.test';
  const erin = 'erin@acme.test';
  await step('check: frank may write document (before)', () =>
    permissio.check(user, 'write', 'document', { tenant: 'acme' }),
  );
  await step('write: create user frank', () => permissio.api.users.create({ key: user }).then(() => undefined));
  await step('write: assign frank editor in acme', () =>
    permissio.api.roleAssignments.assign({ user, role: 'editor', tenant: 'acme' }).then(() => undefined),
  );
  await step('check at once (client sends its revision)', () =>
    permissio.check(user, 'write', 'document', { tenant: 'acme' }),
  );
  await step('check at once, other replica', () => permissio.check(user, 'write', 'document', { tenant: 'acme' }));
  await step('write: unassign erin admin in acme', () =>
    permissio.api.roleAssignments.unassign({ user: erin, role: 'admin', tenant: 'acme' }).then(() => undefined),
  );
  await step('check erin delete (client sends its revision)', () =>
    permissio.check(erin, 'delete', 'document', { tenant: 'acme' }),
  );
  await step('check erin delete, consistency "full"', () =>
    permissio.check(erin, 'delete', 'document', { tenant: 'acme', consistency: 'full' }),
  );
  await step('check erin delete, consistency "fast"', () =>
    permissio.check(erin, 'delete', 'document', { tenant: 'acme', consistency: 'fast' }),
  );
  const health = await Promise.all(replicas.map((r) => fetch(`${r.url}/healthz`).then((a) => a.json())));

  const columns: [keyof Row, string][] = [
    ['step', 'step'],
    ['replica', 'replica'],
    ['consistency', 'consistency sent'],
    ['revision', 'revision'],
    ['answer', 'answer'],
  ];
  const widths = columns.map(([k, title]) => Math.max(title.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  process.stdout.write(
    `\nTwo replicas on one PostgreSQL, behind a round-robin proxy (${apiUrl}):\n\n${line(columns.map(([, title]) => title))}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows
      .map((r) => line([r.step, r.replica, r.consistency, r.revision, r.answer]))
      .join('\n')}\n\nHealth: ${health.map((h, i) => `#${i + 1} ${JSON.stringify(h)}`).join(', ')}\n`,
  );
  await permissio.close?.();
} finally {
  proxy.close();
  await Promise.all(replicas.map((r) => r.close()));
  stopPostgres?.();
}
