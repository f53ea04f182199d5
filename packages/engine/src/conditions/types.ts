/**
 * Public shapes of attribute-based rules (ABAC.md, "Model" and "Conditions"):
 * conditions, condition sets, condition set rules, declared attributes and
 * the input a compiled condition is evaluated on.
 */
import type { AttributeDeclaration, Attributes, CheckContext } from '@permissio/core';

// The public shapes live in core (one definition, used by every PDP); re-exported here.
export type {
  AttributeDeclaration,
  AttributeType,
  Comparison,
  Condition,
  ConditionOperator,
  ConditionSet,
  ConditionSetRule,
  ConditionSetType,
  JsonValue,
  Operand,
  OperandRef,
} from '@permissio/core';

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
