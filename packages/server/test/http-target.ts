/**
 * A minimal fetch-based conformance target: the `Pdp` operations spoken over
 * the REST API of docs/REST.md. (The client team's `HttpPdp` is the real
 * one; this exists so the server can run the vectors on its own.)
 */
import { PermissioError } from '@permissio/core';
import { apiErrorFromStatus } from '@permissio/core/internal';
import type { ConformanceTarget } from '@permissio/conformance';

export function httpTarget(
  baseUrl: string,
  key: string,
  scope: { projectId: string; environmentId: string },
): ConformanceTarget {
  const project = encodeURIComponent(scope.projectId);
  const prefix = `${baseUrl}/v1/projects/${project}/environments/${encodeURIComponent(scope.environmentId)}`;
  const e = encodeURIComponent;

  async function call<T>(method: string, path: string, body?: unknown, query?: Record<string, unknown>): Promise<T> {
    let url = prefix + path;
    if (query !== undefined) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query))
        if (value !== undefined && value !== null) params.set(name, String(value));
      const text = params.toString();
      if (text !== '') url += `?${text}`;
    }
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      throw apiErrorFromStatus(response.status, error?.message ?? `HTTP ${response.status}`, {
        ...(error?.code === undefined ? {} : { code: error.code }),
        details: error?.details,
      });
    }
    return parsed as T;
  }
  const list = (path: string) => (params?: Record<string, unknown>) => call<any>('GET', path, undefined, params ?? {});

  return {
    async check(request) {
      return (await call<{ allowed: boolean }>('POST', '/check', request)).allowed;
    },
    checkDetailed: (request) => call('POST', '/check/explain', request),
    async bulkCheck(requests) {
      const answer = await call<{ results: { allowed: boolean }[] }>('POST', '/check/bulk', { checks: requests });
      return answer.results.map((r) => r.allowed);
    },
    checkPermissions: (request) => call('POST', '/check/permissions', request),
    getUserPermissions: (user, resourceUri, options) =>
      call('GET', `/users/${e(user)}/permissions`, undefined, { resourceUri, tenant: options?.tenant }),
    grant: (request) => call('POST', '/grants', request),
    revoke: (request) => call('POST', '/grants/revoke', request),
    load: (snapshot) => call('PUT', '/snapshot', snapshot),
    export: () => call('GET', '/snapshot'),
    users: {
      list: list('/users'),
      get: (k) => call('GET', `/users/${e(k)}`),
      create: (u) => call('POST', '/users', u),
      update: (k, u) => call('PATCH', `/users/${e(k)}`, u),
      delete: (k) => call('DELETE', `/users/${e(k)}`),
      sync: (k, u) => call('PUT', `/users/${e(k)}`, u),
      getTenants: (k) => call('GET', `/users/${e(k)}/tenants`),
      listAttributes: () => call('GET', '/user_attributes'),
      createAttribute: (a) => call('POST', '/user_attributes', a),
      deleteAttribute: (k) => call('DELETE', `/user_attributes/${e(k)}`),
    },
    tenants: {
      list: list('/tenants'),
      get: (k) => call('GET', `/tenants/${e(k)}`),
      create: (t) => call('POST', '/tenants', t),
      update: (k, t) => call('PATCH', `/tenants/${e(k)}`, t),
      delete: (k) => call('DELETE', `/tenants/${e(k)}`),
      sync: (k, t) => call('PUT', `/tenants/${e(k)}`, t),
      removeUser: (t, u) => call('DELETE', `/tenants/${e(t)}/users/${e(u)}`),
    },
    roles: {
      list: list('/roles'),
      get: (k) => call('GET', `/roles/${e(k)}`),
      create: (r) => call('POST', '/roles', r),
      update: (k, r) => call('PATCH', `/roles/${e(k)}`, r),
      delete: (k) => call('DELETE', `/roles/${e(k)}`),
      sync: (k, r) => call('PUT', `/roles/${e(k)}`, r),
      addPermission: (r, p) => call('POST', `/roles/${e(r)}/permissions`, { permissions: [p] }),
      removePermission: (r, p) => call('DELETE', `/roles/${e(r)}/permissions/${e(p)}`),
      getPermissions: (r) => call('GET', `/roles/${e(r)}/permissions`),
      addExtends: (r, p) => call('PUT', `/roles/${e(r)}/extends/${e(p)}`),
      removeExtends: (r, p) => call('DELETE', `/roles/${e(r)}/extends/${e(p)}`),
      getExtends: (r) => call('GET', `/roles/${e(r)}/extends`),
    },
    resources: {
      list: list('/resources'),
      get: (k) => call('GET', `/resources/${e(k)}`),
      create: (r) => call('POST', '/resources', r),
      update: (k, r) => call('PATCH', `/resources/${e(k)}`, r),
      delete: (k) => call('DELETE', `/resources/${e(k)}`),
      sync: (k, r) => call('PUT', `/resources/${e(k)}`, r),
      listActions: (t) => call('GET', `/resources/${e(t)}/actions`),
      createAction: (t, a) => call('POST', `/resources/${e(t)}/actions`, a),
      deleteAction: (t, a) => call('DELETE', `/resources/${e(t)}/actions/${e(a)}`),
      listAttributes: (t) => call('GET', `/resources/${e(t)}/attributes`),
      createAttribute: (t, a) => call('POST', `/resources/${e(t)}/attributes`, a),
      deleteAttribute: (t, k) => call('DELETE', `/resources/${e(t)}/attributes/${e(k)}`),
    },
    conditionSets: {
      list: list('/condition_sets'),
      get: (k) => call('GET', `/condition_sets/${e(k)}`),
      create: (set) => call('POST', '/condition_sets', set),
      update: (k, u) => call('PATCH', `/condition_sets/${e(k)}`, u),
      delete: (k) => call('DELETE', `/condition_sets/${e(k)}`),
      sync: (k, set) => call('PUT', `/condition_sets/${e(k)}`, set),
    },
    conditionSetRules: {
      list: list('/condition_set_rules'),
      create: (rule) => call('POST', '/condition_set_rules', rule),
      delete: (rule) => call('POST', '/condition_set_rules/delete', rule),
    },
    permissions: {
      list: list('/permissions'),
      get: (name) => call('GET', `/permissions/${e(name)}`),
      create: (p) => call('POST', '/permissions', p),
      update: (name, u) => call('PATCH', `/permissions/${e(name)}`, u),
      delete: (name) => call('DELETE', `/permissions/${e(name)}`),
    },
    principals: {
      list: list('/principals'),
      assignments: (id, options) =>
        call('GET', `/principals/${e(id)}/assignments`, undefined, { tenant: options?.tenant }),
    },
    roleAssignments: {
      assign: (a) => call('POST', '/role_assignments', a),
      unassign: (a) => call('POST', '/role_assignments/unassign', a),
      list: list('/role_assignments'),
      listDetailed: list('/role_assignments/detailed'),
      bulkAssign: (assignments) => call('POST', '/role_assignments/bulk', { assignments }),
      bulkUnassign: (assignments) => call('POST', '/role_assignments/bulk/unassign', { assignments }),
    },
  };
}

export { PermissioError };
