/** Ours (`Permissio.check`) versus CASL on the same requests: every disagreement, with its inputs. */
import type { Permissio } from '@permissio/core';
import type { AbacRequest } from './abac-policy.js';
import type { CaslPolicy, CaslUser } from './casl-policy.js';
import { caslRow } from './casl-policy.js';

export interface Disagreement {
  request: AbacRequest;
  userAttributes: CaslUser['attributes'];
  permissio: boolean;
  casl: boolean;
}

export interface Agreement {
  checks: number;
  allowed: number;
  disagreements: Disagreement[];
}

export async function compareWithCasl(
  permissio: Permissio,
  casl: CaslPolicy,
  users: ReadonlyMap<string, CaslUser>,
  requests: readonly AbacRequest[],
): Promise<Agreement> {
  const disagreements: Disagreement[] = [];
  let allowed = 0;
  for (const request of requests) {
    const user = users.get(request.user);
    if (user === undefined) throw new Error(`compareWithCasl: user ${request.user} is not in the user map`);
    const ours = await permissio.check(request.user, request.action, request.resource);
    const theirs = casl.can(user, request.action, request.resource.type, caslRow(request.resource));
    if (ours) allowed++;
    if (ours !== theirs)
      disagreements.push({ request, userAttributes: user.attributes, permissio: ours, casl: theirs });
  }
  return { checks: requests.length, allowed, disagreements };
}

/** The application's user store for CASL: key → stored attributes (from the same snapshot). */
export function caslUsers(
  users: readonly { key: string; attributes?: Record<string, unknown> }[],
): Map<string, CaslUser> {
  return new Map(users.map((u) => [u.key, { key: u.key, attributes: u.attributes ?? {} }]));
}
