/**
 * Fluent builders of the check inputs: {@link UserBuilder},
 * {@link ResourceBuilder} and {@link ContextBuilder}. Each `build()` returns
 * a fresh plain object (the builder can be reused).
 */
import { assertKey } from './validation.js';
import type { Attributes, CheckContext, CheckResource, CheckUser } from './types.js';

/**
 * Adds `key` to a bag as an own data property. Plain assignment would turn
 * `__proto__` into the bag's prototype and drop it; keys are data here.
 */
function addEntry(bag: Record<string, unknown> | undefined, key: string, value: unknown): Record<string, unknown> {
  const target = bag ?? {};
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  return target;
}

/** The attribute bag shared by {@link UserBuilder} and {@link ResourceBuilder}. */
abstract class AttributesBuilder {
  #attributes: Attributes | undefined;

  withAttribute(key: string, value: unknown): this {
    this.#attributes = addEntry(this.#attributes, key, value);
    return this;
  }
  withAttributes(attributes: Attributes): this {
    this.#attributes = { ...this.#attributes, ...attributes };
    return this;
  }
  /** A copy of the attributes, or undefined when none were set. */
  protected attributes(): Attributes | undefined {
    return this.#attributes === undefined ? undefined : { ...this.#attributes };
  }
}

/** `new UserBuilder('alice').withEmail('a@x.io').withAttribute('dept', 'eng').build()` → `CheckUser`. */
export class UserBuilder extends AttributesBuilder {
  readonly #key: string;
  #email: string | undefined;
  #firstName: string | undefined;
  #lastName: string | undefined;
  constructor(key: string) {
    super();
    assertKey(key, 'user');
    this.#key = key;
  }
  withEmail(email: string): this {
    this.#email = email;
    return this;
  }
  withFirstName(firstName: string): this {
    this.#firstName = firstName;
    return this;
  }
  withLastName(lastName: string): this {
    this.#lastName = lastName;
    return this;
  }
  build(): CheckUser {
    const user: CheckUser = { key: this.#key };
    if (this.#email !== undefined) user.email = this.#email;
    if (this.#firstName !== undefined) user.firstName = this.#firstName;
    if (this.#lastName !== undefined) user.lastName = this.#lastName;
    const attributes = this.attributes();
    if (attributes !== undefined) user.attributes = attributes;
    return user;
  }
}

/** `new ResourceBuilder('document').withKey('doc-1').withTenant('acme').build()` → `CheckResource`. */
export class ResourceBuilder extends AttributesBuilder {
  readonly #type: string;
  #key: string | undefined;
  #tenant: string | undefined;
  #uri: string | undefined;
  constructor(type: string) {
    super();
    assertKey(type, 'resource type');
    this.#type = type;
  }
  withKey(key: string): this {
    this.#key = key;
    return this;
  }
  withTenant(tenant: string): this {
    this.#tenant = tenant;
    return this;
  }
  withUri(uri: string): this {
    this.#uri = uri;
    return this;
  }
  build(): CheckResource {
    const resource: CheckResource = { type: this.#type };
    if (this.#key !== undefined) resource.key = this.#key;
    if (this.#tenant !== undefined) resource.tenant = this.#tenant;
    if (this.#uri !== undefined) resource.uri = this.#uri;
    const attributes = this.attributes();
    if (attributes !== undefined) resource.attributes = attributes;
    return resource;
  }
}

/** `new ContextBuilder().withValue('ip', '10.0.0.1').build()` → `CheckContext`. */
export class ContextBuilder {
  #values: CheckContext = {};

  withValue(key: string, value: unknown): this {
    addEntry(this.#values, key, value);
    return this;
  }
  withValues(values: CheckContext): this {
    this.#values = { ...this.#values, ...values };
    return this;
  }
  build(): CheckContext {
    return { ...this.#values };
  }
}
