/**
 * Authentication of the example: a bearer JWT (HS256) verified with `jose`.
 * The `sub` claim is the user key and the `tenant` claim the tenant; the
 * `department` claim becomes a user attribute of the checks (see `checkUser`
 * in `app.ts`). The user is never taken from a header that names them.
 *
 * Demo only: the tokens are signed with a shared secret so the example runs
 * on its own. A real app verifies its identity provider's tokens, typically
 * with `createRemoteJWKSet(new URL('https://idp.example.com/.well-known/jwks.json'))`.
 */
import { SignJWT, jwtVerify } from 'jose';
import { DEMO_JWT_AUDIENCE, DEMO_JWT_ISSUER, DEMO_JWT_SECRET, USERS, type DemoUserName } from './policy.js';

/** Who is calling, as proven by their token. */
export interface Principal {
  /** User key (the `sub` claim). */
  readonly user: string;
  /** Tenant key (the `tenant` claim). */
  readonly tenant: string;
  /** The `department` claim, when the token has one (a user attribute for the condition rules). */
  readonly department?: string;
}

const encoder = new TextEncoder();

/** The demo signing key: `DEMO_JWT_SECRET` from the environment, else the demo constant. */
export function demoSecret(secret: string = process.env.DEMO_JWT_SECRET ?? DEMO_JWT_SECRET): Uint8Array {
  return encoder.encode(secret);
}

/**
 * Verifies `Authorization: Bearer <jwt>`. Resolves the principal, or
 * undefined when the header is missing, malformed, expired, badly signed or
 * lacks `sub`/`tenant` (the adapter then answers 401).
 */
export async function authenticate(
  authorization: string | undefined,
  secret: Uint8Array,
): Promise<Principal | undefined> {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '');
  if (match === null) return undefined;
  try {
    const { payload } = await jwtVerify(match[1] as string, secret, {
      algorithms: ['HS256'],
      issuer: DEMO_JWT_ISSUER,
      audience: DEMO_JWT_AUDIENCE,
    });
    const tenant = payload.tenant;
    if (typeof payload.sub !== 'string' || payload.sub === '' || typeof tenant !== 'string' || tenant === '')
      return undefined;
    const department = payload.department;
    // A malformed optional claim is dropped, never trusted: the user simply has no department.
    return typeof department === 'string' && department !== ''
      ? { user: payload.sub, tenant, department }
      : { user: payload.sub, tenant };
  } catch {
    return undefined;
  }
}

/** Claims of a demo token: `sub`, `tenant` and, optionally, `department`. */
export interface DemoClaims {
  readonly sub: string;
  readonly tenant: string;
  readonly department?: string;
}

/** Mints a demo token for one of the cast (`alice`, `bob`, …, with their department) or any claims. */
export async function mintDemoToken(
  who: DemoUserName | DemoClaims,
  secret: Uint8Array = demoSecret(),
  expiresIn = '1h',
): Promise<string> {
  const claims: DemoClaims =
    typeof who === 'string'
      ? { sub: USERS[who].key, tenant: USERS[who].tenant, department: USERS[who].department }
      : who;
  const extra = claims.department === undefined ? {} : { department: claims.department };
  return new SignJWT({ tenant: claims.tenant, ...extra })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(DEMO_JWT_ISSUER)
    .setAudience(DEMO_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secret);
}
