export { loadVectors, VECTORS_DIR } from './vectors.js';
export { managementSetUpVariants, VIA_MANAGEMENT, withManagementSetUp } from './management-setup.js';
export {
  runVectorSteps,
  registerConformanceTests,
  countCheckExpectations,
  ConformanceFailure,
} from './runner.js';
export type { RunOptions, RunStats, RegisterOptions, TestApi } from './runner.js';
export { errorKind, mismatch } from './match.js';
export type {
  ConformanceTarget,
  ConformanceVector,
  ErrorKind,
  ExpectedExplanation,
  Step,
  CheckStep,
  BulkCheckStep,
  CheckPermissionsStep,
  GetUserPermissionsStep,
  GrantStep,
  LoadStep,
  ExportStep,
  ManagementStep,
  ManagementGroup,
} from './format.js';
