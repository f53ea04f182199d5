import type { CheckRequest, PolicySnapshot } from '@permissio/core';

export const BENCH_KEY = 'permis_key_bench_0123456789abcdef';
export const BENCH_SCOPE = { projectId: 'bench', environmentId: 'perf' };

const users = Array.from({ length: 1000 }, (_, i) => `user-${i}@example.com`);

/** 1,000 users, 4 roles with inheritance, tenant and instance and URI assignments. */
export const BENCH_POLICY: PolicySnapshot = {
  resources: [
    { key: 'document', actions: ['read', 'write', 'delete', 'share'] },
    { key: 'project', actions: ['read', 'admin'] },
  ],
  roles: [
    { key: 'viewer', permissions: ['document:read', 'project:read'] },
    { key: 'editor', permissions: ['document:write'], extends: ['viewer'] },
    { key: 'owner', permissions: ['document:delete', 'document:share'], extends: ['editor'] },
    { key: 'admin', permissions: ['project:admin'], extends: ['owner'] },
  ],
  tenants: [{ key: 'acme' }, { key: 'globex' }],
  users: users.map((key) => ({ key })),
  roleAssignments: users.flatMap((user, i) => [
    { user, role: i % 2 === 0 ? 'viewer' : 'editor', tenant: i % 3 === 0 ? 'globex' : 'acme' },
    { user, role: 'owner', tenant: 'acme', resourceInstance: `document:doc-${i}` },
    { user, role: 'admin', tenant: 'acme', resourceInstance: `/org/${i % 50}/project/${i}` },
  ]),
};

/** A check answered through role inheritance (editor → viewer). */
export const SINGLE_CHECK: CheckRequest = {
  user: 'user-1@example.com',
  action: 'read',
  resource: { type: 'document', key: 'doc-77', tenant: 'acme' },
};

/** 50 varied checks (tenant roles, instance roles, URI hierarchy, denials). */
export const BULK_CHECKS: CheckRequest[] = Array.from({ length: 50 }, (_, i) => {
  const user = `user-${(i * 37) % 1000}@example.com`;
  switch (i % 4) {
    case 0:
      return { user, action: 'read', resource: 'document', tenant: 'acme' };
    case 1:
      return { user, action: 'delete', resource: { type: 'document', key: `doc-${(i * 37) % 1000}`, tenant: 'acme' } };
    case 2:
      return {
        user,
        action: 'admin',
        resource: {
          type: 'project',
          uri: `/org/${((i * 37) % 1000) % 50}/project/${(i * 37) % 1000}/settings`,
          tenant: 'acme',
        },
      };
    default:
      return { user, action: 'write', resource: { type: 'document', key: 'doc-x', tenant: 'globex' } };
  }
});
