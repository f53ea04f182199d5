/**
 * Public shapes of attribute-based rules (ABAC.md, "Model" and "Conditions"):
 * conditions, condition sets, condition set rules, declared attributes and
 * the input a compiled condition is evaluated on.
 */
import type { AttributeType, Attributes, CheckContext } from '@permissio/core';

export type { AttributeType } from '@permissio/core';

/** A declared attribute of users, tenants or a resource type: `{key, type}`. */
export interface AttributeDeclaration {
  key: string;
  type: AttributeType;
}

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The 13 comparison operators of the contract. */
export type ConditionOperator =
  | 'equals'
  | 'not-equals'
  | 'greater-than'
  | 'greater-than-equals'
  | 'less-than'
  | 'less-than-equals'
  | 'in'
  | 'not-in'
  | 'contains'
  | 'contains-any'
  | 'contains-all'
  | 'starts-with'
  | 'exists';

/** An operand that reads another path of the same check: `{ref: "user.key"}`. */
export interface OperandRef {
  ref: string;
}

/**
 * A comparison operand: a JSON value, or a reference to another path. An
 * object whose only key is `ref` with a string value is always a reference.
 */
export type Operand = JsonValue | OperandRef;

/** `{ "<path>": { "<operator>": Operand } }` — exactly one path and one operator. */
export type Comparison = { [path: string]: { [operator in ConditionOperator]?: Operand } };

/** A condition tree: `allOf` / `anyOf` / `not` over comparisons. */
export type Condition = { allOf: Condition[] } | { anyOf: Condition[] } | { not: Condition } | Comparison;

/** Kind of a condition set. */
export type ConditionSetType = 'userset' | 'resourceset';

/** A named condition over users (userset) or over resources of one type (resourceset). */
export interface ConditionSet {
  key: string;
  name?: string;
  type: ConditionSetType;
  /** Required for, and only for, a resourceset. */
  resourceType?: string;
  conditions: Condition;
}

/**
 * Members of `userSet` have `permission` (`<type>:<action>`, type = the
 * resource set's `resourceType`) on members of `resourceSet`; with `tenant`,
 * only in checks of that tenant.
 */
export interface ConditionSetRule {
  userSet: string;
  permission: string;
  resourceSet: string;
  tenant?: string;
}

/**
 * What a compiled condition reads. Attribute records are read with own-key
 * lookups only (`Object.hasOwn`), so `__proto__` or `constructor` are
 * ordinary attribute keys.
 */
export interface EvalInput {
  user: {
    key: string;
    email?: string;
    firstName?: string;
    lastName?: string;
    /** Keys of the roles the user holds tenant-wide in the check's tenant, inherited roles included. */
    roles: readonly string[];
    /** The check's attributes; a key present here (with a value other than `undefined`) wins. */
    attributes?: Attributes;
    /** The stored user's attributes, read for keys the check does not pass. */
    storedAttributes?: Attributes;
  };
  resource: {
    type: string;
    key?: string;
    tenant: string;
    uri?: string;
    attributes?: Attributes;
  };
  tenant: { key: string; attributes?: Attributes };
  context?: CheckContext;
}

/**
 * The declarations a condition is validated against.
 */
export interface AttributeCatalog {
  /** Declared user attributes. */
  user: Iterable<AttributeDeclaration>;
  /**
   * Declared tenant attributes. When absent, `tenant.<attr>` is untyped like
   * `context.*` (tenants carry free-form attributes) and checked at evaluation.
   */
  tenant?: Iterable<AttributeDeclaration>;
  /** Declared attributes of every resource type of the policy, by type key. */
  resourceTypes: ReadonlyMap<string, Iterable<AttributeDeclaration>>;
}

/** Declared (non built-in) attribute keys a condition reads, by owner. */
export interface AttributeUses {
  user: ReadonlySet<string>;
  resource: ReadonlySet<string>;
  tenant: ReadonlySet<string>;
}
