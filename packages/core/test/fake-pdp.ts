import type { CheckRequest, Decision, Pdp } from '../src/index.js';

/**
 * A tiny in-test PDP for counting and batching semantics only: it allows a
 * check iff `allow(request)` says so, and records every call.
 */
export function fakePdp(
  options: {
    kind?: 'embedded' | 'remote';
    allow?: (request: CheckRequest) => boolean;
    fail?: (request: CheckRequest) => boolean;
    sync?: boolean;
  } = {},
) {
  const allow = options.allow ?? ((r) => (typeof r.user === 'string' ? r.user : r.user.key).startsWith('admin'));
  const calls = { check: 0, bulkCheck: 0, checkDetailed: 0, bulkSizes: [] as number[], requests: [] as CheckRequest[] };
  const answer = (request: CheckRequest): boolean => {
    calls.requests.push(request);
    if (options.fail?.(request)) throw Object.assign(new Error('pdp down'), { code: 'DOWN' });
    return allow(request);
  };
  const notUsed = () => {
    throw new Error('not used in this test');
  };
  const pdp = {
    kind: options.kind ?? 'remote',
    check(request: CheckRequest) {
      calls.check++;
      if (options.sync) return answer(request);
      return Promise.resolve().then(() => answer(request));
    },
    async checkDetailed(request: CheckRequest): Promise<Decision> {
      calls.checkDetailed++;
      const allowed = answer(request);
      return { allowed, reason: allowed ? 'role' : 'no_matching_grant' };
    },
    async bulkCheck(requests: readonly CheckRequest[]) {
      calls.bulkCheck++;
      calls.bulkSizes.push(requests.length);
      await Promise.resolve();
      return requests.map(answer);
    },
    checkPermissions: notUsed,
    getUserPermissions: notUsed,
    grant: notUsed,
    revoke: notUsed,
    load: notUsed,
    export: notUsed,
    users: {},
    tenants: {},
    roles: {},
    resources: {},
    roleAssignments: {},
  } as unknown as Pdp;
  return { pdp, calls };
}
