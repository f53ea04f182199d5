/**
 * JSON Schemas of the REST API (docs/REST.md), written once as plain objects.
 *
 * The very same objects are handed to Fastify (which compiles them with Ajv to
 * validate requests) and placed in the OpenAPI 3.1 document served at
 * `GET /openapi.json` and shipped as `openapi/openapi.json`. There is no
 * second copy to drift. Keep them within the subset Ajv (draft-07 mode) and
 * OpenAPI 3.1 (JSON Schema 2020-12) read alike: no `$ref`, no `prefixItems`,
 * no `nullable`.
 *
 * Request bodies are closed (`additionalProperties: false`): a misspelt field
 * such as `tenantId` would otherwise silently fall back to the default tenant.
 */
import { DECISION_REASONS } from '@permissio/core';

/** A JSON Schema object (loosely typed: the schemas are data). */
export type JsonSchema = Record<string, unknown>;

const MAX_KEY = 256;

/** A key: a non-empty string of at most 256 characters (control characters are refused by the engine). */
export const keySchema = { type: 'string', minLength: 1, maxLength: MAX_KEY } as const satisfies JsonSchema;
/** `"<resourceType>:<action>"`. */
export const permissionSchema = {
  type: 'string',
  minLength: 3,
  maxLength: 2 * MAX_KEY + 1,
  description:
    'A permission, "<resourceType>:<action>", or dotted "<resourceType>.<action>" (split on the last "."; read as the canonical form).',
} as const satisfies JsonSchema;
/** `"<type>:<key>"` or a resource URI starting with `/`. */
export const resourceInstanceSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  description: 'A resource instance "<type>:<key>" or a resource URI starting with "/".',
} as const satisfies JsonSchema;
export const attributesSchema = {
  type: 'object',
  description: 'Free-form attributes.',
  additionalProperties: true,
} as const satisfies JsonSchema;

// ---------------------------------------------------------------- checks

export const checkUserSchema = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: {
    key: keySchema,
    email: { type: 'string' },
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    attributes: attributesSchema,
  },
} as const satisfies JsonSchema;

export const checkResourceSchema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: keySchema,
    key: keySchema,
    tenant: keySchema,
    uri: { type: 'string', minLength: 1, maxLength: 2048 },
    attributes: attributesSchema,
  },
} as const satisfies JsonSchema;

export const checkRequestSchema = {
  type: 'object',
  description: 'May `user` do `action` on `resource`?',
  required: ['user', 'action', 'resource'],
  additionalProperties: false,
  properties: {
    user: { anyOf: [keySchema, checkUserSchema] },
    action: keySchema,
    // Object first: most checks name an instance or URI (cheaper validation in bulk).
    resource: { anyOf: [checkResourceSchema, keySchema] },
    tenant: keySchema,
    context: { type: 'object', additionalProperties: true },
  },
} as const satisfies JsonSchema;

export const MAX_BULK = 1000;

/** How fresh a check's answer must be (scale-out: several replicas on one PostgreSQL). */
export const consistencySchema = {
  description:
    '"fast" (default): answer from this replica\'s memory. "full": first catch up to the database\'s head. ' +
    '{atLeast: token}: wait until this replica has applied the revision of a Permissio-Revision header ' +
    '(503 STALE_REPLICA with Retry-After when it cannot in time).',
  anyOf: [
    { type: 'string', enum: ['fast', 'full'] },
    {
      type: 'object',
      required: ['atLeast'],
      additionalProperties: false,
      properties: { atLeast: { type: 'string', minLength: 1, maxLength: 32 } },
    },
  ],
} as const satisfies JsonSchema;

/** `POST …/check` and `…/check/explain`: a check, and its consistency. */
export const checkBodySchema = {
  ...checkRequestSchema,
  properties: { ...checkRequestSchema.properties, consistency: consistencySchema },
} as const satisfies JsonSchema;

export const bulkCheckRequestSchema = {
  type: 'object',
  required: ['checks'],
  additionalProperties: false,
  properties: {
    checks: { type: 'array', maxItems: MAX_BULK, items: checkRequestSchema },
    consistency: consistencySchema,
  },
} as const satisfies JsonSchema;

export const checkResultSchema = {
  type: 'object',
  required: ['allowed'],
  additionalProperties: false,
  properties: { allowed: { type: 'boolean' } },
} as const satisfies JsonSchema;

export const bulkCheckResultSchema = {
  type: 'object',
  required: ['results'],
  additionalProperties: false,
  properties: { results: { type: 'array', items: checkResultSchema } },
} as const satisfies JsonSchema;

export const decisionSchema = {
  type: 'object',
  required: ['allowed', 'reason'],
  additionalProperties: false,
  properties: {
    allowed: { type: 'boolean' },
    reason: {
      type: 'string',
      enum: [...DECISION_REASONS],
    },
    via: {
      type: 'object',
      required: ['permission'],
      additionalProperties: false,
      properties: {
        role: { type: 'string' },
        tenant: { type: 'string', description: 'Absent for a condition rule that applies in every tenant.' },
        userSet: { type: 'string', description: '`condition_rule`: the userset of the rule.' },
        resourceSet: { type: 'string', description: '`condition_rule`: the resourceset of the rule.' },
        resourceInstance: { type: 'string' },
        permission: { type: 'string' },
        path: { type: 'array', items: { type: 'string' } },
      },
    },
  },
} as const satisfies JsonSchema;

export const checkPermissionsRequestSchema = {
  type: 'object',
  required: ['user', 'resourceUris', 'permissions'],
  additionalProperties: false,
  properties: {
    user: { anyOf: [keySchema, checkUserSchema] },
    resourceUris: { type: 'array', maxItems: MAX_BULK, items: resourceInstanceSchema },
    permissions: { type: 'array', maxItems: MAX_BULK, items: permissionSchema },
    tenant: keySchema,
    consistency: consistencySchema,
  },
} as const satisfies JsonSchema;

export const checkPermissionsResultSchema = {
  type: 'object',
  required: ['passed', 'missing'],
  additionalProperties: false,
  properties: {
    passed: { type: 'boolean' },
    missing: {
      type: 'array',
      items: {
        type: 'object',
        required: ['resource', 'permissions'],
        additionalProperties: false,
        properties: { resource: { type: 'string' }, permissions: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
} as const satisfies JsonSchema;

export const grantRequestSchema = {
  type: 'object',
  required: ['user', 'resourceUri'],
  additionalProperties: false,
  properties: {
    user: keySchema,
    resourceUri: resourceInstanceSchema,
    permissions: { type: 'array', maxItems: MAX_BULK, items: permissionSchema },
    roles: { type: 'array', maxItems: MAX_BULK, items: keySchema },
    tenant: keySchema,
  },
} as const satisfies JsonSchema;

export const userPermissionsQuerySchema = {
  type: 'object',
  required: ['resourceUri'],
  additionalProperties: false,
  properties: { resourceUri: resourceInstanceSchema, tenant: keySchema },
} as const satisfies JsonSchema;

export const userPermissionsSchema = {
  type: 'object',
  required: ['permissions', 'roles'],
  additionalProperties: false,
  properties: {
    permissions: { type: 'array', items: { type: 'string' } },
    roles: { type: 'array', items: { type: 'string' } },
  },
} as const satisfies JsonSchema;

// ---------------------------------------------------------------- entities

export const userSchema = {
  type: 'object',
  required: ['key', 'attributes'],
  additionalProperties: false,
  properties: {
    key: { type: 'string' },
    type: { type: 'string', description: 'Principal type; absent means "user".' },
    email: { type: 'string' },
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    attributes: attributesSchema,
  },
} as const satisfies JsonSchema;

const userFields = {
  type: { ...keySchema, description: 'Principal type: "user" (default), "service_account" or any other key.' },
  email: { type: 'string', maxLength: 1024 },
  firstName: { type: 'string', maxLength: 1024 },
  lastName: { type: 'string', maxLength: 1024 },
  attributes: attributesSchema,
} as const;

export const userCreateSchema = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: keySchema, ...userFields },
} as const satisfies JsonSchema;

export const userUpdateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...userFields },
} as const satisfies JsonSchema;

export const userSyncSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...userFields,
    roles: { type: 'array', maxItems: MAX_BULK, items: keySchema },
    tenant: keySchema,
  },
} as const satisfies JsonSchema;

export const tenantSchema = {
  type: 'object',
  required: ['key', 'name', 'attributes'],
  additionalProperties: false,
  properties: {
    key: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    attributes: attributesSchema,
  },
} as const satisfies JsonSchema;

const tenantFields = {
  name: { type: 'string', maxLength: 1024 },
  description: { type: 'string', maxLength: 4096 },
  attributes: attributesSchema,
} as const;

export const tenantCreateSchema = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: keySchema, ...tenantFields },
} as const satisfies JsonSchema;

export const tenantUpdateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...tenantFields },
} as const satisfies JsonSchema;

export const roleSchema = {
  type: 'object',
  required: ['key', 'name', 'permissions', 'extends'],
  additionalProperties: false,
  properties: {
    key: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string' } },
    extends: { type: 'array', items: { type: 'string' } },
  },
} as const satisfies JsonSchema;

const roleFields = {
  name: { type: 'string', maxLength: 1024 },
  description: { type: 'string', maxLength: 4096 },
  permissions: { type: 'array', maxItems: 10_000, items: permissionSchema },
  extends: { type: 'array', maxItems: MAX_BULK, items: keySchema },
} as const;

export const roleCreateSchema = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: keySchema, ...roleFields },
} as const satisfies JsonSchema;

export const roleUpdateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...roleFields },
} as const satisfies JsonSchema;

export const rolePermissionsBodySchema = {
  type: 'object',
  required: ['permissions'],
  additionalProperties: false,
  properties: { permissions: { type: 'array', minItems: 1, maxItems: MAX_BULK, items: permissionSchema } },
} as const satisfies JsonSchema;

export const stringListSchema = { type: 'array', items: { type: 'string' } } as const satisfies JsonSchema;

export const resourceActionSchema = {
  type: 'object',
  required: ['key', 'name'],
  additionalProperties: false,
  properties: { key: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' } },
} as const satisfies JsonSchema;

export const attributeTypeSchema = {
  type: 'string',
  enum: ['string', 'number', 'bool', 'json', 'array', 'time', 'object'],
} as const satisfies JsonSchema;

export const resourceAttributeSchema = {
  type: 'object',
  required: ['key', 'type'],
  additionalProperties: false,
  properties: { key: { type: 'string' }, type: attributeTypeSchema },
} as const satisfies JsonSchema;

export const resourceActionCreateSchema = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: {
    key: keySchema,
    name: { type: 'string', maxLength: 1024 },
    description: { type: 'string', maxLength: 4096 },
  },
} as const satisfies JsonSchema;

export const resourceAttributeCreateSchema = {
  type: 'object',
  required: ['key', 'type'],
  additionalProperties: false,
  properties: { key: keySchema, type: attributeTypeSchema },
} as const satisfies JsonSchema;

export const resourceTypeSchema = {
  type: 'object',
  required: ['key', 'name', 'actions', 'attributes'],
  additionalProperties: false,
  properties: {
    key: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    actions: { type: 'array', items: resourceActionSchema },
    attributes: { type: 'array', items: resourceAttributeSchema },
  },
} as const satisfies JsonSchema;

const resourceFields = {
  name: { type: 'string', maxLength: 1024 },
  description: { type: 'string', maxLength: 4096 },
  actions: {
    type: 'array',
    maxItems: MAX_BULK,
    items: { anyOf: [keySchema, resourceActionCreateSchema] },
  },
  attributes: { type: 'array', maxItems: MAX_BULK, items: resourceAttributeCreateSchema },
} as const;

export const resourceTypeCreateSchema = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: keySchema, ...resourceFields },
} as const satisfies JsonSchema;

export const resourceTypeUpdateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...resourceFields },
} as const satisfies JsonSchema;

// ---------------------------------------------------------------- role assignments

export const roleAssignmentSchema = {
  type: 'object',
  required: ['user', 'role', 'tenant'],
  additionalProperties: false,
  properties: {
    user: { type: 'string' },
    role: { type: 'string' },
    tenant: { type: 'string' },
    resourceInstance: { type: 'string' },
  },
} as const satisfies JsonSchema;

export const roleAssignmentCreateSchema = {
  type: 'object',
  required: ['user', 'role'],
  additionalProperties: false,
  properties: {
    user: keySchema,
    role: keySchema,
    tenant: keySchema,
    resourceInstance: resourceInstanceSchema,
  },
} as const satisfies JsonSchema;

export const roleAssignmentDetailedSchema = {
  type: 'object',
  required: ['user', 'role', 'tenant'],
  additionalProperties: false,
  properties: {
    user: userSchema,
    role: roleSchema,
    tenant: tenantSchema,
    resourceInstance: { type: 'string' },
  },
} as const satisfies JsonSchema;

export const bulkAssignmentsSchema = {
  type: 'object',
  required: ['assignments'],
  additionalProperties: false,
  properties: { assignments: { type: 'array', maxItems: MAX_BULK, items: roleAssignmentCreateSchema } },
} as const satisfies JsonSchema;

export const bulkAssignedSchema = {
  type: 'object',
  required: ['assigned'],
  additionalProperties: false,
  properties: { assigned: { type: 'integer', minimum: 0 } },
} as const satisfies JsonSchema;

export const bulkUnassignedSchema = {
  type: 'object',
  required: ['unassigned'],
  additionalProperties: false,
  properties: { unassigned: { type: 'integer', minimum: 0 } },
} as const satisfies JsonSchema;

// ---------------------------------------------------------------- lists

/** Default and largest page size (docs/MODEL.md, "Lists"). */
export const DEFAULT_PER_PAGE = 10;
export const MAX_PER_PAGE = 100;

const pageParams = {
  page: { type: 'integer', minimum: 1, default: 1, description: '1-based page number.' },
  perPage: {
    type: 'integer',
    minimum: 1,
    maximum: MAX_PER_PAGE,
    default: DEFAULT_PER_PAGE,
    description: `Page size, at most ${MAX_PER_PAGE}.`,
  },
} as const;

export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pageParams,
    search: { type: 'string', maxLength: 256, description: 'Case-insensitive substring of key or name.' },
  },
} as const satisfies JsonSchema;

export const roleAssignmentsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pageParams,
    user: keySchema,
    role: keySchema,
    tenant: keySchema,
    resourceInstance: resourceInstanceSchema,
  },
} as const satisfies JsonSchema;

/** `Page<T>`: `{data, page, perPage, total}`. */
export function pageSchema(item: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['data', 'page', 'perPage', 'total'],
    additionalProperties: false,
    properties: {
      data: { type: 'array', items: item },
      page: { type: 'integer', minimum: 1 },
      perPage: { type: 'integer', minimum: 1 },
      total: { type: 'integer', minimum: 0 },
    },
  };
}

export const userPageSchema = pageSchema(userSchema);
export const tenantPageSchema = pageSchema(tenantSchema);
export const rolePageSchema = pageSchema(roleSchema);
export const resourceTypePageSchema = pageSchema(resourceTypeSchema);
export const roleAssignmentPageSchema = pageSchema(roleAssignmentSchema);
export const roleAssignmentDetailedPageSchema = pageSchema(roleAssignmentDetailedSchema);

// ---------------------------------------------------------------- snapshot

/** A condition set (the condition tree is validated by the engine, which names the offending JSON path). */
export const conditionSetSchema = {
  type: 'object',
  required: ['key', 'type', 'conditions'],
  additionalProperties: false,
  properties: {
    key: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string', enum: ['userset', 'resourceset'] },
    resourceType: { type: 'string', description: 'Required for, and only for, a resourceset.' },
    conditions: { type: 'object', description: 'allOf / anyOf / not / {"<path>": {"<operator>": operand}}' },
  },
} as const satisfies JsonSchema;

/** A condition set rule: members of userSet have permission on members of resourceSet (in tenant, if given). */
export const conditionSetRuleSchema = {
  type: 'object',
  required: ['userSet', 'permission', 'resourceSet'],
  additionalProperties: false,
  properties: {
    userSet: { type: 'string' },
    permission: { type: 'string' },
    resourceSet: { type: 'string' },
    tenant: { type: 'string' },
  },
} as const satisfies JsonSchema;

// ---------------------------------------------------------------- conditions (ABAC)

/** A declared user attribute as answered (condition paths `user.<key>`). */
export const userAttributeSchema = { ...resourceAttributeSchema } as const satisfies JsonSchema;
/** Body of `POST P/user_attributes`. */
export const userAttributeCreateSchema = { ...resourceAttributeCreateSchema } as const satisfies JsonSchema;

/**
 * A condition tree. Recursive, so the schema only says "a JSON object": the
 * engine validates the tree at write time (depth, operators, operand types,
 * declared attributes, sizes) and its 422 names the set and the JSON path.
 */
export const conditionSchema = {
  type: 'object',
  description:
    'allOf / anyOf / not / {"<path>": {"<operator>": operand}} (docs/MODEL.md, "Conditions"); validated by the engine.',
} as const satisfies JsonSchema;

const conditionSetType = { type: 'string', enum: ['userset', 'resourceset'] } as const;
const conditionSetName = { type: 'string', maxLength: 256 } as const;

/** Body of `POST P/condition_sets`. */
export const conditionSetCreateSchema = {
  type: 'object',
  required: ['key', 'type', 'conditions'],
  additionalProperties: false,
  properties: {
    key: keySchema,
    name: conditionSetName,
    type: conditionSetType,
    resourceType: { ...keySchema, description: 'Required for, and only for, a resourceset.' },
    conditions: conditionSchema,
  },
} as const satisfies JsonSchema;

/** Body of `PATCH P/condition_sets/{key}` (type and resourceType are fixed: delete and re-create). */
export const conditionSetUpdateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { name: conditionSetName, conditions: conditionSchema },
} as const satisfies JsonSchema;

/** Body of `PUT P/condition_sets/{key}` (upsert; the key is the path's). */
export const conditionSetSyncSchema = {
  type: 'object',
  required: ['type', 'conditions'],
  additionalProperties: false,
  properties: {
    name: conditionSetName,
    type: conditionSetType,
    resourceType: { ...keySchema, description: 'Required for, and only for, a resourceset.' },
    conditions: conditionSchema,
  },
} as const satisfies JsonSchema;

/** Body of `POST P/condition_set_rules` and `POST P/condition_set_rules/delete`. */
export const conditionSetRuleCreateSchema = {
  type: 'object',
  required: ['userSet', 'permission', 'resourceSet'],
  additionalProperties: false,
  properties: {
    userSet: keySchema,
    permission: permissionSchema,
    resourceSet: keySchema,
    tenant: { ...keySchema, description: 'Only checks in this tenant; absent: every tenant.' },
  },
} as const satisfies JsonSchema;

/** Query of `GET P/condition_set_rules`. */
export const conditionSetRulesQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...pageParams, userSet: keySchema, resourceSet: keySchema, permission: permissionSchema },
} as const satisfies JsonSchema;

export const conditionSetPageSchema = pageSchema(conditionSetSchema);
export const conditionSetRulePageSchema = pageSchema(conditionSetRuleSchema);

export const policySnapshotSchema = {
  type: 'object',
  description: 'The policy snapshot format of docs/MODEL.md (engine `load`/`export`, server `--seed`).',
  additionalProperties: false,
  properties: {
    resources: { type: 'array', items: resourceTypeCreateSchema },
    roles: { type: 'array', items: roleCreateSchema },
    tenants: { type: 'array', items: tenantCreateSchema },
    users: { type: 'array', items: userCreateSchema },
    roleAssignments: { type: 'array', items: roleAssignmentCreateSchema },
    grants: { type: 'array', items: grantRequestSchema },
    userAttributes: { type: 'array', items: resourceAttributeSchema },
    conditionSets: { type: 'array', items: conditionSetSchema },
    conditionSetRules: { type: 'array', items: conditionSetRuleSchema },
  },
} as const satisfies JsonSchema;

// ---------------------------------------------------------------- misc

export const healthSchema = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: {
    status: {
      type: 'string',
      enum: ['ok', 'degraded'],
      description: '"degraded": a replica that cannot reach its database; it still answers "fast" checks',
    },
    lagMs: {
      type: 'number',
      description: 'Replicas on PostgreSQL: milliseconds since this replica last confirmed it had the database head',
    },
    reason: { type: 'string', description: 'Why it is degraded' },
  },
} as const satisfies JsonSchema;

export const apiKeyScopeSchema = {
  type: 'object',
  required: ['projectId', 'environmentId', 'scopes'],
  additionalProperties: false,
  properties: {
    projectId: { type: 'string' },
    environmentId: { type: 'string' },
    scopes: {
      type: 'array',
      description:
        'What the key may do, every implied scope included (check ⊂ read ⊂ admin): an admin key reports ["check", "read", "admin"]',
      items: { type: 'string', enum: ['check', 'read', 'admin'] },
    },
  },
} as const satisfies JsonSchema;

const keyScopeItems = { type: 'string', enum: ['check', 'read', 'admin'] } as const satisfies JsonSchema;

export const apiKeyIdSchema = {
  type: 'string',
  pattern: '^[0-9a-f]{8,64}$',
  description: 'The id of a key in the listing (the first hex characters of its SHA-256; 8 or more)',
} as const satisfies JsonSchema;

export const listedApiKeySchema = {
  type: 'object',
  required: ['id', 'prefix', 'scopes', 'projectId', 'environmentId', 'createdAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: "The first 12 hex characters of the key's SHA-256" },
    prefix: {
      type: ['string', 'null'],
      description: 'permis_key_ and the 8 characters after it, for created keys; null for configured keys',
    },
    scopes: { type: 'array', items: keyScopeItems },
    projectId: { type: 'string' },
    environmentId: { type: 'string' },
    createdAt: { type: ['string', 'null'], description: 'ISO 8601' },
  },
} as const satisfies JsonSchema;

export const apiKeyListSchema = {
  type: 'object',
  required: ['keys'],
  additionalProperties: false,
  properties: { keys: { type: 'array', items: listedApiKeySchema } },
} as const satisfies JsonSchema;

export const apiKeyCreateSchema = {
  type: 'object',
  required: ['scopes'],
  additionalProperties: false,
  properties: {
    scopes: {
      type: 'array',
      minItems: 1,
      maxItems: 3,
      uniqueItems: true,
      items: keyScopeItems,
      description: 'check ⊂ read ⊂ admin',
    },
  },
} as const satisfies JsonSchema;

export const createdApiKeySchema = {
  type: 'object',
  required: ['key', ...listedApiKeySchema.required],
  additionalProperties: false,
  properties: {
    key: { type: 'string', description: 'The new key: shown in this answer only (only its SHA-256 is stored)' },
    ...listedApiKeySchema.properties,
  },
} as const satisfies JsonSchema;

/** The error body of every non-2xx answer. */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', description: 'Machine-readable code, e.g. VALIDATION_ERROR, NOT_FOUND.' },
        message: { type: 'string' },
        details: { description: 'Structured detail (offending field, entity key …).' },
      },
    },
  },
} as const satisfies JsonSchema;

/** Any JSON object (the OpenAPI document itself). */
export const anyObjectSchema = { type: 'object' } as const satisfies JsonSchema;

/**
 * Schemas named in the OpenAPI document's `components.schemas`; wherever one
 * of these objects appears in a route, the document writes a `$ref` to it.
 */
export const componentSchemas: Record<string, JsonSchema> = {
  Key: keySchema,
  Permission: permissionSchema,
  ResourceInstance: resourceInstanceSchema,
  Attributes: attributesSchema,
  CheckUser: checkUserSchema,
  CheckResource: checkResourceSchema,
  CheckRequest: checkRequestSchema,
  BulkCheckRequest: bulkCheckRequestSchema,
  CheckResult: checkResultSchema,
  BulkCheckResult: bulkCheckResultSchema,
  Decision: decisionSchema,
  CheckPermissionsRequest: checkPermissionsRequestSchema,
  CheckPermissionsResult: checkPermissionsResultSchema,
  GrantRequest: grantRequestSchema,
  UserPermissions: userPermissionsSchema,
  User: userSchema,
  UserCreate: userCreateSchema,
  UserUpdate: userUpdateSchema,
  UserSync: userSyncSchema,
  Tenant: tenantSchema,
  TenantCreate: tenantCreateSchema,
  TenantUpdate: tenantUpdateSchema,
  Role: roleSchema,
  RoleCreate: roleCreateSchema,
  RoleUpdate: roleUpdateSchema,
  RolePermissionsBody: rolePermissionsBodySchema,
  ResourceAction: resourceActionSchema,
  ResourceActionCreate: resourceActionCreateSchema,
  AttributeType: attributeTypeSchema,
  ResourceAttribute: resourceAttributeSchema,
  ResourceAttributeCreate: resourceAttributeCreateSchema,
  ResourceType: resourceTypeSchema,
  ResourceTypeCreate: resourceTypeCreateSchema,
  ResourceTypeUpdate: resourceTypeUpdateSchema,
  RoleAssignment: roleAssignmentSchema,
  RoleAssignmentCreate: roleAssignmentCreateSchema,
  RoleAssignmentDetailed: roleAssignmentDetailedSchema,
  BulkAssignments: bulkAssignmentsSchema,
  BulkAssigned: bulkAssignedSchema,
  BulkUnassigned: bulkUnassignedSchema,
  UserPage: userPageSchema,
  TenantPage: tenantPageSchema,
  RolePage: rolePageSchema,
  ResourceTypePage: resourceTypePageSchema,
  RoleAssignmentPage: roleAssignmentPageSchema,
  RoleAssignmentDetailedPage: roleAssignmentDetailedPageSchema,
  UserAttribute: userAttributeSchema,
  UserAttributeCreate: userAttributeCreateSchema,
  Condition: conditionSchema,
  ConditionSet: conditionSetSchema,
  ConditionSetCreate: conditionSetCreateSchema,
  ConditionSetUpdate: conditionSetUpdateSchema,
  ConditionSetSync: conditionSetSyncSchema,
  ConditionSetPage: conditionSetPageSchema,
  ConditionSetRule: conditionSetRuleSchema,
  ConditionSetRuleCreate: conditionSetRuleCreateSchema,
  ConditionSetRulePage: conditionSetRulePageSchema,
  PolicySnapshot: policySnapshotSchema,
  Health: healthSchema,
  Consistency: consistencySchema,
  CheckBody: checkBodySchema,
  ApiKeyScope: apiKeyScopeSchema,
  ApiKey: listedApiKeySchema,
  CreatedApiKey: createdApiKeySchema,
  Error: errorSchema,
};
