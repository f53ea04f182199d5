/**
 * The write listener hook: `engine.onChange(listener)` is told about every
 * successful write, after it is applied, with the operation name and its
 * arguments (a copy). A server can journal these instead of exporting the
 * whole policy after each write.
 */
import type {
  ConditionSetRulesOperations,
  ConditionSetsOperations,
  EnsurePrincipalOptions,
  GrantRequest,
  PermissionsOperations,
  PolicySnapshot,
  ResourcesOperations,
  RolesOperations,
  TenantsOperations,
  UsersOperations,
} from '@permissio/core';
import type { EngineRoleAssignmentsOperations } from './ops/assignments.js';

interface OperationGroups {
  users: UsersOperations;
  tenants: TenantsOperations;
  roles: RolesOperations;
  resources: ResourcesOperations;
  roleAssignments: EngineRoleAssignmentsOperations;
  conditionSets: ConditionSetsOperations;
  conditionSetRules: ConditionSetRulesOperations;
  permissions: PermissionsOperations;
}

/** The write methods of each management group. */
export interface WriteMethods {
  users: 'create' | 'update' | 'delete' | 'sync' | 'createAttribute' | 'deleteAttribute';
  tenants: 'create' | 'update' | 'delete' | 'sync' | 'removeUser';
  roles:
    | 'create'
    | 'update'
    | 'delete'
    | 'sync'
    | 'addPermission'
    | 'removePermission'
    | 'addExtends'
    | 'removeExtends';
  resources:
    | 'create'
    | 'update'
    | 'delete'
    | 'sync'
    | 'createAction'
    | 'deleteAction'
    | 'createAttribute'
    | 'deleteAttribute';
  roleAssignments: 'assign' | 'unassign' | 'bulkAssign' | 'bulkUnassign';
  conditionSets: 'create' | 'update' | 'delete' | 'sync';
  conditionSetRules: 'create' | 'delete';
  permissions: 'create' | 'update' | 'delete';
}

type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;

/** One successful management write, e.g. `{ op: 'roles.addPermission', args: ['editor', 'document:write'] }`. */
export type ManagementChange = {
  [G in keyof WriteMethods]: {
    [M in WriteMethods[G]]: { op: `${G}.${M}`; args: ArgsOf<OperationGroups[G][M & keyof OperationGroups[G]]> };
  }[WriteMethods[G]];
}[keyof WriteMethods];

/** Every successful write of an engine. */
export type EngineChange =
  | ManagementChange
  | { op: 'grant'; args: [GrantRequest] | [GrantRequest, EnsurePrincipalOptions] }
  | { op: 'revoke'; args: [GrantRequest] }
  | { op: 'load'; args: [PolicySnapshot] };

/** A write listener; errors it throws are swallowed (a listener cannot undo a write). */
export type ChangeListener = (change: EngineChange) => void;
