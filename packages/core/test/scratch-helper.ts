import type { Pdp, PolicyShape, PolicyTyped, RegisteredShape, PolicySnapshot } from '../src/index.js';
export declare function createEngineLike<S extends PolicyShape = RegisteredShape>(p: PolicySnapshot & PolicyTyped<S>): Pdp & PolicyTyped<S>;
