/** The service's grant, revoke, principal and check operations, mapped onto the engine. */
import { PermissioError, type PrincipalListParams, type PrincipalsOperations } from '@permissio/core';
import { MAX_CHECK_PERMISSIONS_WORK, checkPermissionsInSlices } from '../routes/check-permissions.js';
import { invalidArgument } from './codes.js';
import type { ServiceCall } from './context.js';
import {
  enginePermission,
  optionalString,
  pageLimit,
  requiredString,
  type ServiceInput,
  servicePermission,
  stringList,
} from './input.js';
import type { ServiceOperation } from './operation.js';

function principals(call: ServiceCall): PrincipalsOperations {
  const ops = call.pdp().principals;
  if (ops === undefined) throw new PermissioError('This server has no principals.', { code: 'NOT_SUPPORTED' });
  return ops;
}

/** A grant or revoke request: a principal, a resource URI, permissions and/or roles. */
function grantRequest(input: ServiceInput) {
  const request = {
    user: requiredString(input, 'principal_id'),
    resourceUri: requiredString(input, 'resource_uri'),
    permissions: stringList(input, 'permissions').map((p) => enginePermission(p)),
    roles: stringList(input, 'roles'),
  };
  if (request.permissions.length === 0 && request.roles.length === 0) {
    throw invalidArgument('permissions or roles is required: name at least one permission or role.');
  }
  return request;
}

/** The resources of a check: `resource_uri`, and/or `resource_uris`. */
function checkResources(input: ServiceInput): string[] {
  const one = optionalString(input, 'resource_uri');
  const uris = [...(one === undefined ? [] : [one]), ...stringList(input, 'resource_uris')];
  if (uris.length === 0) throw invalidArgument('resource_uri is required.');
  return uris;
}

/** The checks a check request asks for (resources × distinct permissions); 1 when it is malformed. */
function checkWork(input: ServiceInput): number {
  try {
    return Math.max(1, checkResources(input).length * new Set(stringList(input, 'permissions')).size);
  } catch {
    return 1;
  }
}

export const accessOperations: readonly ServiceOperation[] = [
  {
    name: 'GrantPermission',
    scope: 'admin',
    rateClass: 'management',
    async run(call, input) {
      const request = grantRequest(input);
      const principalType = optionalString(input, 'principal_type');
      // The service creates a principal on its first grant (the native API answers 404 instead).
      const options = { createPrincipal: true, ...(principalType === undefined ? {} : { principalType }) };
      await call.write((tx) => tx.call('grant', request, options));
      return {};
    },
  },
  {
    name: 'RevokePermission',
    scope: 'admin',
    rateClass: 'management',
    async run(call, input) {
      const request = grantRequest(input);
      await call.write((tx) => tx.call('revoke', request));
      return {};
    },
  },
  {
    name: 'GetPrincipalPermissions',
    scope: 'check',
    rateClass: 'checks',
    async run(call, input) {
      const user = requiredString(input, 'principal_id');
      const uri = requiredString(input, 'resource_uri');
      const held = await call.pdp().getUserPermissions(user, uri);
      return { permissions: held.permissions.map(servicePermission), roles: held.roles };
    },
  },
  {
    name: 'GetPrincipalAssignments',
    scope: 'read',
    rateClass: 'management',
    async run(call, input) {
      const assignments = await principals(call).assignments(requiredString(input, 'principal_id'));
      return {
        assignments: assignments.map((a) => ({
          resource_uri: a.resourceUri,
          permissions: a.permissions.map(servicePermission),
          roles: a.roles,
        })),
      };
    },
  },
  {
    name: 'ListPrincipals',
    scope: 'read',
    rateClass: 'management',
    async run(call, input) {
      const params: PrincipalListParams = { limit: pageLimit(input) };
      const cursor = optionalString(input, 'cursor');
      if (cursor !== undefined) params.cursor = cursor;
      const search = optionalString(input, 'search');
      if (search !== undefined) params.search = search;
      const type = optionalString(input, 'principal_type');
      if (type !== undefined) params.type = type;
      const page = await principals(call).list(params);
      return {
        principals: page.data.map((p) => ({ id: p.id, type: p.type })),
        ...(page.nextCursor === undefined ? {} : { next_cursor: page.nextCursor }),
      };
    },
  },
  {
    name: 'CheckPermission',
    scope: 'check',
    rateClass: 'checks',
    cost: checkWork,
    async run(call, input) {
      const user = requiredString(input, 'principal_id');
      const resourceUris = checkResources(input);
      const asked = stringList(input, 'permissions');
      if (asked.length === 0) throw invalidArgument('permissions is required: name at least one permission.');
      const work = resourceUris.length * new Set(asked).size;
      if (work > MAX_CHECK_PERMISSIONS_WORK) {
        throw invalidArgument(
          `${resourceUris.length} resources × ${new Set(asked).size} permissions = ${work} checks; ` +
            `at most ${MAX_CHECK_PERMISSIONS_WORK} per request.`,
        );
      }
      // Answer in the caller's own spelling of each permission.
      const spelled = new Map<string, string>();
      for (const name of asked) if (!spelled.has(enginePermission(name))) spelled.set(enginePermission(name), name);
      const result = await checkPermissionsInSlices(call.pdp(), {
        user,
        resourceUris,
        permissions: [...spelled.keys()],
      });
      return {
        passed: result.passed,
        missing_permissions: result.missing.map((m) => ({
          resource_uri: m.resource,
          missing_permissions: m.permissions.map((p) => spelled.get(p) ?? servicePermission(p)),
        })),
      };
    },
  },
];
