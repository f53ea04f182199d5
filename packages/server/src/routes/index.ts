/**
 * The route table of docs/REST.md, one file per OpenAPI tag. Each entry
 * carries its schemas (the same objects that go into the OpenAPI document),
 * its rate-limit class and its handler; `server/register-routes.ts` registers
 * them with Fastify and `openapi.ts` writes them down.
 */
import { permissionRoutes, principalRoutes } from './catalogue.js';
import { apiKeyRoutes } from './api-keys.js';
import { checkRoutes } from './checks.js';
import { conditionRoutes } from './conditions.js';
import { grantRoutes } from './grants.js';
import { planRoutes } from './plan.js';
import { resourceRoutes } from './resources.js';
import { roleAssignmentRoutes } from './role-assignments.js';
import { roleRoutes } from './roles.js';
import { serverRoutes } from './server.js';
import { snapshotRoutes } from './snapshot.js';
import { tenantRoutes } from './tenants.js';
import type { RouteDef } from './types.js';
import { userRoutes } from './users.js';

export type { Answer, HttpMethod, ResponseDef, RouteContext, RouteDef } from './types.js';

/** Every route of the API, in document order. */
export const routes: readonly RouteDef[] = [
  ...serverRoutes,
  ...checkRoutes,
  ...planRoutes,
  ...grantRoutes,
  ...userRoutes,
  ...tenantRoutes,
  ...roleRoutes,
  ...resourceRoutes,
  ...permissionRoutes,
  ...principalRoutes,
  ...roleAssignmentRoutes,
  ...conditionRoutes,
  ...snapshotRoutes,
  ...apiKeyRoutes,
];
