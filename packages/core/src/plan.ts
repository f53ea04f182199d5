/** `pdp.plan(...)` behind one typed error for a PDP without it (used by the client and the request scope). */
import { PermissioError } from './errors.js';
import type { CheckUser, Pdp, PlanOptions, ResourcePlan } from './types.js';

/** `pdp.plan(...)`, or a typed error when the PDP has no `plan`. */
export async function planOf(
  pdp: Pdp,
  user: string | CheckUser,
  action: string,
  resourceType: string,
  options: PlanOptions | undefined,
): Promise<ResourcePlan> {
  if (pdp.plan === undefined) {
    throw new PermissioError(
      'This PDP does not implement plan(): use the embedded engine, the Permissio server, or add plan() to your PDP.',
      { code: 'UNSUPPORTED' },
    );
  }
  return pdp.plan(user, action, resourceType, options);
}
