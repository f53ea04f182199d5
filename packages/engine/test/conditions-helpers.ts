/** Shared fixtures of the condition tests: a catalog and an input builder. */
import type { Attributes } from '@permissio/core';
import { PermissioValidationError } from '@permissio/core';
import { expect } from 'vitest';
import { compileCondition } from '../src/conditions/index.js';
import type { AttributeCatalog, AttributeDeclaration, EvalInput, Tri } from '../src/conditions/index.js';

export const USER_ATTRIBUTES: AttributeDeclaration[] = [
  { key: 'dept', type: 'string' },
  { key: 'dept2', type: 'string' },
  { key: 'level', type: 'number' },
  { key: 'admin', type: 'bool' },
  { key: 'hired', type: 'time' },
  { key: 'tags', type: 'array' },
  { key: 'meta', type: 'json' },
  { key: 'profile', type: 'object' },
  { key: '__proto__', type: 'string' },
  { key: 'constructor', type: 'json' },
];

export const DOCUMENT_ATTRIBUTES: AttributeDeclaration[] = [
  { key: 'classification', type: 'string' },
  { key: 'ownerId', type: 'string' },
  { key: 'size', type: 'number' },
  { key: 'public', type: 'bool' },
  { key: 'created', type: 'time' },
  { key: 'editors', type: 'array' },
  { key: 'data', type: 'json' },
];

export const CATALOG: AttributeCatalog = {
  user: USER_ATTRIBUTES,
  resourceTypes: new Map([
    ['document', DOCUMENT_ATTRIBUTES],
    ['folder', [{ key: 'color', type: 'string' }]],
  ]),
};

export interface InputParts {
  user?: Attributes;
  stored?: Attributes;
  userKey?: string;
  email?: string;
  roles?: string[];
  resource?: Attributes;
  resourceKey?: string;
  tenant?: Attributes;
  context?: Record<string, unknown>;
}

export function input(parts: InputParts = {}): EvalInput {
  const out: EvalInput = {
    user: { key: parts.userKey ?? 'alice', roles: parts.roles ?? [], attributes: parts.user ?? {} },
    resource: { type: 'document', tenant: 'default', attributes: parts.resource ?? {} },
    tenant: { key: 'default', attributes: parts.tenant ?? {} },
    context: parts.context ?? {},
  };
  if (parts.stored !== undefined) out.user.storedAttributes = parts.stored;
  if (parts.email !== undefined) out.user.email = parts.email;
  if (parts.resourceKey !== undefined) out.resource.key = parts.resourceKey;
  return out;
}

export function userset(condition: unknown): (input: EvalInput) => Tri {
  return compileCondition(condition, { setKey: 'eng', setType: 'userset', catalog: CATALOG });
}

export function resourceset(condition: unknown): (input: EvalInput) => Tri {
  return compileCondition(condition, {
    setKey: 'docs',
    setType: 'resourceset',
    resourceType: 'document',
    catalog: CATALOG,
  });
}

/** Expects a validation error whose message contains every fragment. */
export function expectInvalid(run: () => unknown, ...fragments: string[]): PermissioValidationError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PermissioValidationError);
  const message = (caught as Error).message;
  for (const fragment of fragments) expect(message).toContain(fragment);
  return caught as PermissioValidationError;
}
