/**
 * Three-valued (Kleene / SQL) truth values. The encoding makes the logic
 * arithmetic: `not` is negation, `allOf` is the minimum, `anyOf` the maximum.
 */

/** TRUE, FALSE or UNKNOWN. A condition set matches only on `Tri.TRUE`. */
export const Tri = { TRUE: 1, UNKNOWN: 0, FALSE: -1 } as const;
export type Tri = (typeof Tri)[keyof typeof Tri];

/** A compiled condition. */
export type ConditionEvaluator<I> = (input: I) => Tri;
