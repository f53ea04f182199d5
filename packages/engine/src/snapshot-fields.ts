/**
 * Snapshots are closed like the REST API's bodies: a field the format does
 * not define (`tennant`, `roleAssigments`) is an error naming its path
 * (`roleAssignments[3].tennant`) with the closest known field, never
 * silently ignored. Attribute bags (`attributes` of users and tenants) are
 * free-form and not inspected here; condition trees are checked by
 * the condition compiler.
 */
import { PermissioValidationError } from '@permissio/core';
import { closestName } from '@permissio/core/internal';

/** The fields of one object in the format; a nested shape applies to each element of that array field. */
interface Shape {
  fields: readonly string[];
  arrays?: Readonly<Record<string, Shape>>;
}

const RESOURCE: Shape = {
  fields: ['key', 'name', 'description', 'actions', 'attributes'],
  arrays: { actions: { fields: ['key', 'name', 'description'] }, attributes: { fields: ['key', 'type'] } },
};

const SNAPSHOT: Shape = {
  fields: [
    'resources',
    'roles',
    'tenants',
    'users',
    'roleAssignments',
    'grants',
    'userAttributes',
    'conditionSets',
    'conditionSetRules',
  ],
  arrays: {
    resources: RESOURCE,
    roles: { fields: ['key', 'name', 'description', 'permissions', 'extends'] },
    tenants: { fields: ['key', 'name', 'description', 'attributes'] },
    users: { fields: ['key', 'email', 'firstName', 'lastName', 'attributes', 'type'] },
    roleAssignments: { fields: ['user', 'role', 'tenant', 'resourceInstance'] },
    grants: { fields: ['user', 'resourceUri', 'permissions', 'roles', 'tenant'] },
    userAttributes: { fields: ['key', 'type'] },
    // A condition set's own fields; its `conditions` tree is validated (paths named) when it is compiled.
    conditionSets: { fields: ['key', 'name', 'type', 'resourceType', 'conditions'] },
    conditionSetRules: { fields: ['userSet', 'permission', 'resourceSet', 'tenant'] },
  },
};

/**
 * Throws a `PermissioValidationError` for an unknown field of the snapshot
 * (outer levels first). Values of the wrong type are left to the
 * entry-by-entry validation that follows.
 */
export function assertKnownSnapshotFields(snapshot: unknown): void {
  const queue: [unknown, Shape, string][] = [[snapshot, SNAPSHOT, '']];
  for (let head = 0; head < queue.length; head++) {
    const [value, shape, path] = queue[head] as [unknown, Shape, string];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    for (const field of Object.keys(value)) {
      const where = path === '' ? field : `${path}.${field}`;
      if (!shape.fields.includes(field)) throw unknownField(where, field, shape.fields);
      const inner = shape.arrays?.[field];
      const list = (value as Record<string, unknown>)[field];
      if (inner !== undefined && Array.isArray(list)) {
        list.forEach((item, index) => {
          queue.push([item, inner, `${where}[${index}]`]);
        });
      }
    }
  }
}

function unknownField(path: string, field: string, known: readonly string[]): PermissioValidationError {
  const suggestion = closestName(field, known);
  const hint =
    suggestion === undefined ? `the known fields here are ${known.join(', ')}` : `did you mean \`${suggestion}\`?`;
  return new PermissioValidationError(`Invalid snapshot: unknown field \`${path}\`; ${hint}`, {
    details: { path, field, ...(suggestion === undefined ? {} : { suggestion }) },
  });
}
