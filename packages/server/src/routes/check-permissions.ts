/**
 * `POST …/check/permissions` is resources × permissions checks in one
 * request. Its work is bounded (at most {@link MAX_CHECK_PERMISSIONS_WORK}
 * checks), charged to the rate limit by that work, and evaluated in slices
 * with a yield to the event loop between them, so one project's large
 * request does not stall the others.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type CheckPermissionsRequest,
  type CheckPermissionsResult,
  type Pdp,
  PermissioValidationError,
} from '@permissio/core';

/** Most checks (resources × distinct permissions) one request may ask for. */
export const MAX_CHECK_PERMISSIONS_WORK = 10_000;

/** Checks evaluated between two yields to the event loop. */
export const CHECK_PERMISSIONS_SLICE = 500;

/** The number of checks `body` asks for (at least 1); throws a 422 above {@link MAX_CHECK_PERMISSIONS_WORK}. */
export function checkPermissionsWork(body: unknown): number {
  const { resourceUris, permissions } = body as CheckPermissionsRequest;
  const distinct = new Set(permissions).size;
  const work = resourceUris.length * distinct;
  if (work > MAX_CHECK_PERMISSIONS_WORK) {
    throw new PermissioValidationError(
      `body asks for ${resourceUris.length} resources × ${distinct} permissions = ${work} checks; ` +
        `at most ${MAX_CHECK_PERMISSIONS_WORK} per request: split the resources over several requests.`,
      { details: { field: 'body', checks: work, limit: MAX_CHECK_PERMISSIONS_WORK } },
    );
  }
  return Math.max(1, work);
}

/** `pdp.checkPermissions(request)`, evaluated a slice of resources at a time with yields in between. */
export async function checkPermissionsInSlices(
  pdp: Pdp,
  request: CheckPermissionsRequest,
  slice = CHECK_PERMISSIONS_SLICE,
): Promise<CheckPermissionsResult> {
  const perSlice = Math.max(1, Math.floor(slice / Math.max(1, new Set(request.permissions).size)));
  const uris = request.resourceUris;
  if (uris.length <= perSlice) return await pdp.checkPermissions(request);
  const missing: CheckPermissionsResult['missing'] = [];
  for (let start = 0; start < uris.length; start += perSlice) {
    if (start > 0) await yieldToEventLoop();
    const part = await pdp.checkPermissions({ ...request, resourceUris: uris.slice(start, start + perSlice) });
    missing.push(...part.missing);
  }
  return { passed: missing.length === 0, missing };
}
