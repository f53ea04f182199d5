/**
 * JSON Schemas of the permission catalogue and principal routes (#16), in
 * the same subset as `schemas.ts` (they go to Fastify and to the OpenAPI
 * document alike).
 */
import { type JsonSchema, keySchema, pageSchema, permissionSchema, DEFAULT_PER_PAGE, MAX_PER_PAGE } from './schemas.js';

export const permissionEntitySchema = {
  type: 'object',
  required: ['name', 'resourceType', 'action'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', description: 'Canonical "<resourceType>:<action>".' },
    resourceType: { type: 'string' },
    action: { type: 'string' },
    description: { type: 'string' },
  },
} as const satisfies JsonSchema;

export const permissionCreateSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: permissionSchema, description: { type: 'string', maxLength: 4096 } },
} as const satisfies JsonSchema;

export const permissionUpdateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { ...permissionSchema, description: 'New name: the same resource type, another action (a rename).' },
    description: { type: 'string', maxLength: 4096 },
  },
} as const satisfies JsonSchema;

export const permissionPageSchema = pageSchema(permissionEntitySchema);

export const permissionListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    page: { type: 'integer', minimum: 1, default: 1, description: '1-based page number.' },
    perPage: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_PER_PAGE,
      default: DEFAULT_PER_PAGE,
      description: `Page size, at most ${MAX_PER_PAGE}.`,
    },
    search: { type: 'string', maxLength: 256, description: 'Case-insensitive substring of name or description.' },
    resourceType: keySchema,
  },
} as const satisfies JsonSchema;

export const principalSchema = {
  type: 'object',
  required: ['id', 'type'],
  additionalProperties: false,
  properties: { id: { type: 'string' }, type: { type: 'string' } },
} as const satisfies JsonSchema;

export const principalPageSchema = {
  type: 'object',
  required: ['data'],
  additionalProperties: false,
  properties: {
    data: { type: 'array', items: principalSchema },
    nextCursor: { type: 'string', description: 'Pass as `cursor` for the next page; absent on the last page.' },
  },
} as const satisfies JsonSchema;

export const principalListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cursor: { type: 'string', minLength: 1, maxLength: 2048, description: 'The previous page’s nextCursor.' },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_PER_PAGE,
      default: DEFAULT_PER_PAGE,
      description: `Page size, at most ${MAX_PER_PAGE}.`,
    },
    search: { type: 'string', maxLength: 256, description: 'Case-insensitive substring of the id.' },
    type: keySchema,
  },
} as const satisfies JsonSchema;

export const principalAssignmentSchema = {
  type: 'object',
  required: ['resourceUri', 'tenant', 'permissions', 'roles'],
  additionalProperties: false,
  properties: {
    resourceUri: {
      type: 'string',
      description: 'A resource URI, a "<type>:<key>" instance, or "*" for tenant-wide roles.',
    },
    tenant: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string' }, description: 'Direct grants there.' },
    roles: { type: 'array', items: { type: 'string' }, description: 'Roles assigned there.' },
  },
} as const satisfies JsonSchema;

export const principalAssignmentsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { tenant: keySchema },
} as const satisfies JsonSchema;
