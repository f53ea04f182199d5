/**
 * Authentication of the example: a bearer JWT (HS256) verified with `jose`.
 * The `sub` claim is the user key and the `tenant` claim the tenant. The user
 * is never taken from a header that names them.
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
    return { user: payload.sub, tenant };
  } catch {
    return undefined;
  }
}

/** Mints a demo token for one of the cast (`alice`, `bob`, …) or any `{ sub, tenant }`. */
export async function mintDemoToken(
  who: DemoUserName | { sub: string; tenant: string },
  secret: Uint8Array = demoSecret(),
  expiresIn = '1h',
): Promise<string> {
  const claims = typeof who === 'string' ? { sub: USERS[who].key, tenant: USERS[who].tenant } : who;
  return new SignJWT({ tenant: claims.tenant })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(DEMO_JWT_ISSUER)
    .setAudience(DEMO_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secret);
}
