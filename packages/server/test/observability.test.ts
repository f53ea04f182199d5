/**
 * Server observability (issue 15 items 2 and 4): `GET /metrics` scraped over
 * HTTP after a scripted workload (exact counter values, Prometheus text
 * format), the recent-decisions route, and the decision log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PermissioServer } from '../src/index.js';
import { isLoopback } from '../src/observe/install.js';
import { client, KEY_A, KEY_B, loadAjv, POLICY, SCOPE_A, SCOPE_B, startTestServer } from './helpers.js';

const servers: PermissioServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Parameters<typeof startTestServer>[0]): Promise<PermissioServer> {
  const server = await startTestServer({ seed: POLICY, seedScopes: [SCOPE_A, SCOPE_B], ...options });
  servers.push(server);
  return server;
}

/** Validates the Prometheus text exposition format (0.0.4) line by line; returns the samples. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const label = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
  const sample = new RegExp(
    `^(${name})(\\{(?:${label})(?:,${label})*,?\\})? (-?(?:[0-9.]+(?:e[+-]?[0-9]+)?|NaN|\\+Inf|-Inf))( -?[0-9]+)?$`,
  );
  const types = new Map<string, string>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      expect(line).toMatch(new RegExp(`^# HELP ${name} .*$`));
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const match = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
      expect(match, line).not.toBeNull();
      expect(types.has(match?.[1] as string), `duplicate TYPE ${line}`).toBe(false);
      types.set(match?.[1] as string, match?.[2] as string);
      continue;
    }
    const match = sample.exec(line);
    expect(match, `not a Prometheus sample line: ${line}`).not.toBeNull();
    const key = `${match?.[1]}${match?.[2] ?? ''}`;
    samples.set(key, Number(match?.[3]));
  }
  return samples;
}

describe('GET /metrics', () => {
  it('counts a scripted workload exactly, in Prometheus text format', async () => {
    const server = await start({ rateLimits: { checks: 5, management: 100, bulk: 100 } });
    const api = client(server.url, KEY_A);
    const check = (user: string, action: string) =>
      api('POST', 'P/check', { user, action, resource: { type: 'document', key: 'doc-9' }, tenant: 'acme' });
    // 3 allows (alice: editor → read, write) and 1 deny (alice may not delete).
    expect((await check('alice@example.com', 'read')).body).toEqual({ allowed: true });
    expect((await check('alice@example.com', 'write')).body).toEqual({ allowed: true });
    expect((await check('alice@example.com', 'read')).body).toEqual({ allowed: true });
    expect((await check('alice@example.com', 'delete')).body).toEqual({ allowed: false });
    // A bulk of 2 (1 allow, 1 deny): source "batch", reason unexplained.
    const bulk = await api('POST', 'P/check/bulk', {
      checks: [
        { user: 'team/bob', action: 'read', resource: { type: 'document', key: 'doc-1' }, tenant: 'acme' },
        { user: 'team/bob', action: 'write', resource: { type: 'document', key: 'doc-1' }, tenant: 'acme' },
      ],
    });
    expect(bulk.body).toEqual({ results: [{ allowed: true }, { allowed: false }] });
    // Writes: create a user, assign a role twice (idempotent: two successful writes), unassign once.
    expect((await api('POST', 'P/users', { key: 'carol' })).status).toBe(201);
    const assignment = { user: 'carol', role: 'viewer', tenant: 'acme' };
    expect((await api('POST', 'P/role_assignments', assignment)).status).toBeLessThan(300);
    expect((await api('POST', 'P/role_assignments', assignment)).status).toBeLessThan(300);
    expect((await api('POST', 'P/role_assignments/unassign', assignment)).status).toBeLessThan(300);
    // The 5th single check of the window is allowed, the 6th refused (checks limit 5).
    expect((await check('alice@example.com', 'read')).status).toBe(200);
    expect((await check('alice@example.com', 'read')).status).toBe(429);

    const scraped = await fetch(`${server.url}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(await scraped.text());
    const value = (key: string) => samples.get(key);

    expect(value('permissio_decisions_total{result="allow",reason="role",source="pdp"}')).toBe(4);
    expect(value('permissio_decisions_total{result="deny",reason="no_matching_grant",source="pdp"}')).toBe(1);
    expect(value('permissio_decisions_total{result="allow",reason="unexplained",source="batch"}')).toBe(1);
    expect(value('permissio_decisions_total{result="deny",reason="unexplained",source="batch"}')).toBe(1);
    expect(value('permissio_decision_duration_seconds_count{source="pdp"}')).toBe(5);

    const checkRoute = '/v1/projects/:projectId/environments/:environmentId/check';
    expect(
      value(`permissio_http_request_duration_seconds_count{method="POST",route="${checkRoute}",status="200"}`),
    ).toBe(5);
    expect(
      value(`permissio_http_request_duration_seconds_count{method="POST",route="${checkRoute}",status="429"}`),
    ).toBe(1);
    expect(value('permissio_rate_limit_rejections_total{class="checks"}')).toBe(1);
    expect(value('permissio_writes_total{operation="users.create"}')).toBe(1);
    expect(value('permissio_writes_total{operation="roleAssignments.assign"}')).toBe(2);
    expect(value('permissio_writes_total{operation="roleAssignments.unassign"}')).toBe(1);
    // Per-scope statistics: the seed has 2 users and 3 assignments (2 + the grant's role on /project/456);
    // A gained carol, and her assignment came and went.
    expect(value('permissio_users{project="proj-a",environment="dev"}')).toBe(3);
    expect(value('permissio_role_assignments{project="proj-a",environment="dev"}')).toBe(3);
    expect(value('permissio_role_assignments{project="proj-b",environment="dev"}')).toBe(3);
    expect(value('permissio_users{project="proj-b",environment="dev"}')).toBe(2);
    // A single-process server follows no shared journal: no lag.
    expect(value('permissio_journal_lag_seconds')).toBe(0);
    expect(value('permissio_journal_revisions_behind')).toBe(0);
    // Process defaults.
    expect(value('permissio_process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('answers loopback clients only by default; "api-key" needs a key; false removes the route', async () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(isLoopback('::ffff:192.168.1.2')).toBe(false);

    const keyed = await start({ metrics: { access: 'api-key' } });
    expect((await fetch(`${keyed.url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${keyed.url}/metrics`, { headers: { authorization: `Bearer ${KEY_A}` } });
    expect(ok.status).toBe(200);

    const off = await start({ metrics: false });
    expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
  });

  it('rejects a bad metrics option at start', async () => {
    await expect(startTestServer({ metrics: { access: 'everyone' as never } })).rejects.toThrow(/metrics.access/);
  });
});

describe('GET …/decisions', () => {
  it('returns the last N decisions of the key scope, filtered by user, allowed and since', async () => {
    const server = await start({ recentDecisions: 3 });
    const api = client(server.url, KEY_A);
    const before = Date.now();
    for (const action of ['read', 'delete', 'write', 'read']) {
      await api('POST', 'P/check', { user: 'alice@example.com', action, resource: 'document', tenant: 'acme' });
    }
    await api('POST', 'P/check', { user: 'team/bob', action: 'read', resource: 'document', tenant: 'acme' });
    const all = await api('GET', 'P/decisions');
    expect(all.status).toBe(200);
    // Bounded at 3, newest first.
    expect(all.body.decisions.map((d: { user: string; action: string }) => `${d.user} ${d.action}`)).toEqual([
      'team/bob read',
      'alice@example.com read',
      'alice@example.com write',
    ]);
    const alice = await api('GET', 'P/decisions?user=alice%40example.com&allowed=true');
    expect(alice.body.decisions).toHaveLength(2);
    const denied = await api('GET', 'P/decisions?allowed=false');
    expect(denied.body.decisions.map((d: { user: string }) => d.user)).toEqual(['team/bob']);
    expect((await api('GET', `P/decisions?since=${Date.now() + 60_000}`)).body.decisions).toEqual([]);
    expect(
      (await api('GET', `P/decisions?since=${new Date(before).toISOString()}&limit=1`)).body.decisions,
    ).toHaveLength(1);
    expect((await api('GET', 'P/decisions?allowed=maybe')).status).toBe(422);

    // Another scope's key sees nothing of A, and may not read A's decisions.
    expect((await client(server.url, KEY_B, SCOPE_B)('GET', 'P/decisions')).body.decisions).toEqual([]);
    expect((await client(server.url, KEY_B, SCOPE_A)('GET', 'P/decisions')).status).toBe(403);
    expect((await client(server.url, undefined)('GET', 'P/decisions')).status).toBe(401);
  });

  it('is in the OpenAPI document, and its answers (explained, batched, with attributes) validate against it', async () => {
    const server = await start({ recentDecisions: 10 });
    const api = client(server.url, KEY_A);
    const doc = (await api('GET', '/openapi.json')).body;
    const path = '/v1/projects/{projectId}/environments/{environmentId}/decisions';
    expect(doc.paths[path]?.get?.operationId).toBe('decisions.list');
    expect(doc.paths[path].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'projectId',
      'environmentId',
      'user',
      'allowed',
      'since',
      'limit',
    ]);
    await api('POST', 'P/check', { user: 'alice@example.com', action: 'read', resource: 'document', tenant: 'acme' });
    await api('POST', 'P/check/bulk', {
      checks: [
        { user: 'team/bob', action: 'read', resource: { type: 'document', key: 'doc-1' }, tenant: 'acme' },
        { user: { key: 'team/bob', attributes: { level: 3 } }, action: 'write', resource: 'document', tenant: 'acme' },
      ],
    });
    const answer = await api('GET', 'P/decisions');
    expect(answer.body.decisions).toHaveLength(3);
    const Ajv = loadAjv();
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema(doc, 'openapi.json');
    const pointer = `paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const validate = ajv.compile({
      $ref: `openapi.json#/${pointer}/get/responses/200/content/application~1json/schema`,
    });
    expect(validate(answer.body), ajv.errorsText(validate.errors)).toBe(true);
    // The schema is strict: an unknown field fails it.
    expect(validate({ decisions: [{ ...answer.body.decisions[0], extra: 1 }] })).toBe(false);
  });

  it('is not served unless recentDecisions is set', async () => {
    const server = await start({});
    expect((await client(server.url, KEY_A)('GET', 'P/decisions')).status).toBe(404);
  });
});

describe('decision log', () => {
  it('writes sampled, masked JSON lines with the scope', async () => {
    const lines: string[] = [];
    const server = await start({
      decisionLog: { to: { write: (line: string) => lines.push(line) }, sample: { allow: 0 }, mask: ['title'] },
    });
    const api = client(server.url, KEY_A);
    await api('POST', 'P/check', { user: 'alice@example.com', action: 'read', resource: 'document', tenant: 'acme' });
    await api('POST', 'P/check', {
      user: 'alice@example.com',
      action: 'delete',
      resource: { type: 'document', key: 'd', attributes: { title: 'secret plans' } },
      tenant: 'acme',
    });
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] as string);
    expect(record).toMatchObject({
      project: 'proj-a',
      environment: 'dev',
      user: 'alice@example.com',
      action: 'delete',
      allowed: false,
      reason: 'no_matching_grant',
      resource: { attributes: { title: '[masked]' } },
    });
    expect(lines[0]).not.toContain('secret plans');
  });
});
