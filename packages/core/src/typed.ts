/**
 * Typed policies: the policy's shape — which resource types exist and which
 * actions each one has — typed once and seen by every API that names an
 * action, a resource type or a `<type>:<action>` permission.
 *
 * Two sources, no generics threaded by hand:
 * - a literal policy wrapped in {@link definePolicy}: `createEngine(policy)`
 *   returns an engine typed by it, and `new Permissio({ pdp: engine })` a
 *   client typed by it;
 * - the {@link Register} interface, augmented once per app (by hand with
 *   `typeof policy`, or by the declaration file `permissio-server types`
 *   writes): every API typed by default, the adapters' `requirePermission`
 *   included.
 *
 * Nothing registered: every type below is plain `string`, as before.
 *
 * The types are flat (one mapped type, one indexed access): no recursion, so
 * a policy of hundreds of resource types compiles in about the time of its
 * own literal.
 */
import type { CheckRequest, CheckResource, PolicySnapshot } from './types.js';

/**
 * Where an app registers its policy's type, once:
 *
 * ```ts
 * declare module '@permissio/core' {
 *   interface Register {
 *     policy: typeof policy; // a definePolicy({...}) or a `const` snapshot
 *   }
 * }
 * ```
 *
 * `permissio-server types` writes this declaration for a remote PDP.
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by applications (declaration merging).
export interface Register {}

/** A policy's shape: each resource type, mapped to the union of its action keys. */
export type PolicyShape = { readonly [resourceType: string]: string };

/** The shape of an untyped policy: any resource type, any action (plain strings). */
export type UntypedShape = { readonly [resourceType: string]: string };

/** The key of one action of a snapshot (`'read'` or `{ key: 'read' }`). */
type ActionKey<A> = A extends string ? A : A extends { readonly key: infer K extends string } ? K : never;

/** The action keys of one resource type of a snapshot. */
type ActionsOf<R> = R extends { readonly actions: readonly (infer A)[] } ? ActionKey<A> : never;

/**
 * The shape of a policy snapshot type: `{ document: 'read' | 'write', … }`.
 * A snapshot whose types are not literal (`PolicySnapshot`) gives the
 * untyped shape.
 */
export type PolicyShapeOf<P> = P extends { readonly resources?: readonly (infer R)[] }
  ? string extends (R extends { readonly key: infer K } ? K : string)
    ? UntypedShape
    : { readonly [E in R as E extends { readonly key: infer K extends string } ? K : never]: ActionsOf<E> }
  : UntypedShape;

/** The shape registered through {@link Register}, or the untyped shape when nothing is. */
export type RegisteredShape = Register extends { readonly policy: infer P } ? PolicyShapeOf<P> : UntypedShape;

/** The resource types of a shape (`string` when untyped). */
export type ResourceTypeOf<S extends PolicyShape = RegisteredShape> = keyof S & string;

/**
 * The actions of resource type `T` (of every type when `T` is omitted):
 * what `check(user, action, 'document')` offers for `action`.
 */
export type ActionOf<S extends PolicyShape = RegisteredShape, T extends ResourceTypeOf<S> = ResourceTypeOf<S>> = S[T];

/** The valid `<type>:<action>` permission strings of a shape (`string` when untyped). */
export type PermissionOf<S extends PolicyShape = RegisteredShape> =
  string extends ResourceTypeOf<S> ? string : { [T in ResourceTypeOf<S>]: `${T}:${S[T]}` }[ResourceTypeOf<S>];

/**
 * `T` when a policy is registered, else `string`: the type a resolver such as
 * `resourceFromPath('document')` reports, unchanged for untyped apps.
 */
export type RegisteredType<T extends string> = string extends ResourceTypeOf<RegisteredShape> ? string : T;

/** The resource of a check on type `T`: the type itself, or a `CheckResource` of that type. */
export type ResourceOf<T extends string> = T | CheckResource<T>;

/** One check of a `bulkCheck` typed by a shape: its `action` must belong to its resource's type. */
export type TypedCheckRequest<S extends PolicyShape = RegisteredShape> =
  string extends ResourceTypeOf<S>
    ? CheckRequest
    : {
        [T in ResourceTypeOf<S>]: Omit<CheckRequest, 'action' | 'resource'> & {
          action: S[T];
          resource: ResourceOf<T>;
        };
      }[ResourceTypeOf<S>];

/**
 * Where a typed policy carries its shape (type-level only: never set at
 * runtime). Read by `createEngine` and `new Permissio({ pdp })`.
 */
export interface PolicyTyped<S extends PolicyShape> {
  readonly '~policyShape'?: S | undefined;
}

/** A snapshot {@link definePolicy} returned: the literal `P`, carrying its shape. */
export type DefinedPolicy<P> = P & PolicyTyped<PolicyShapeOf<P>>;

/**
 * Declares a policy snapshot with its literal types kept (no `as const`
 * needed): `createEngine(definePolicy({...}))` gives an engine, and the
 * client over it, typed by the policy. The permissions its roles, grants and
 * condition set rules name must be pairs of its own resource types and
 * actions. Returns `policy` itself.
 *
 * ```ts
 * export const policy = definePolicy({
 *   resources: [{ key: 'document', actions: ['read', 'write'] }],
 *   roles: [{ key: 'editor', permissions: ['document:read', 'document:write'] }],
 * });
 * ```
 */
export function definePolicy<const P extends PolicySnapshot>(
  policy: P & NoInfer<PermissionsWithin<P>>,
): DefinedPolicy<P> {
  return policy;
}

/** The `<type>:<action>` pairs of snapshot `P`'s own resource types. */
type Within<P> = PermissionOf<PolicyShapeOf<P>>;

/**
 * The parts of a snapshot that name permissions — roles, grants, condition
 * set rules — restricted to the pairs its own resource types declare:
 * `definePolicy` rejects a role with `'document:fly'` when `document` has no
 * `fly` action. No restriction for a snapshot without literal types.
 */
export type PermissionsWithin<P> =
  string extends Within<P>
    ? unknown
    : {
        roles?: readonly { readonly permissions?: readonly Within<P>[]; readonly [field: string]: unknown }[];
        grants?: readonly { readonly permissions?: readonly Within<P>[]; readonly [field: string]: unknown }[];
        conditionSetRules?: readonly { readonly permission: Within<P>; readonly [field: string]: unknown }[];
      };
