/**
 * `@permissio/adapter-testkit` (private): the one scenario matrix every
 * framework adapter runs, its policy fixture, PDP doubles and helpers.
 */
export {
  POLICY,
  policySnapshot,
  USER_HEADER,
  TENANT_HEADER,
  CLAIMS_HEADER,
  ABAC_DOCUMENTS,
  USER_TENANTS,
  CROWD_SIZE,
  crowdUser,
  crowdAccess,
} from './fixture.js';
export { CountingPdp, countingPdp, faultyPdp } from './pdps.js';
export type { AbacDocument } from './fixture.js';
export type { PdpCallCounts, PdpFault } from './pdps.js';
export { rawRequest, parseBody, countingFetch } from './http.js';
export { startSilentServer } from './silent-server.js';
export type { SilentServer } from './silent-server.js';
export type { CountingFetch } from './http.js';
export {
  engineClient,
  httpClient,
  startFixtureServer,
  variantClient,
  TEST_API_KEY,
  TEST_PROJECT,
  TEST_ENVIRONMENT,
} from './clients.js';
export { buildRoutes } from './routes.js';
export type { HandlerCounter } from './routes.js';
export { SCENARIOS, VARIANTS, as } from './scenarios.js';
export { ABAC_SCENARIOS } from './abac-scenarios.js';
export type { Scenario, ScenarioExpectation, VariantName } from './scenarios.js';
export { defineAdapterSuite, MatrixEnvironment, assertExpectation, INVALID_OPTIONS } from './suite.js';
export type { AdapterSuiteOptions } from './suite.js';
export type {
  AdapterDriver,
  AppHandle,
  AppSetup,
  RequestAccess,
  TestRequest,
  TestResponse,
  TestRoute,
  VariantConfig,
  VariantClient,
} from './types.js';
