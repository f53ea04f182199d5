export { createTestPermissio } from './create.js';
export type { TestPermissio, TestPermissioOptions } from './create.js';
export { compileAllowed, ALLOWED_ROLE_PREFIX } from './allowed.js';
export type { AllowedEntry, AllowedResource, AllowedTuple } from './allowed.js';
export { createDecisionRecorder, isDecisionRecorder, DecisionRecorder, DecisionAssertionError } from './recorder.js';
export type { Expectation, ExpectationResult } from './recorder.js';
export type { DecisionMatch } from './match.js';
export { FAULTS, FaultablePdp } from './faults.js';
export type { Fault, FaultOptions } from './faults.js';
