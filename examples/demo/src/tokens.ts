/**
 * Demo bearer tokens, signed like the examples expect (HS256, demo secret,
 * issuer and audience from ../../shared/policy.ts). Demo only.
 */
import { SignJWT } from 'jose';
import { DEMO_JWT_AUDIENCE, DEMO_JWT_ISSUER, DEMO_JWT_SECRET, USERS, type DemoUserName } from '../../shared/policy.js';

export async function mintTokens(names: readonly DemoUserName[]): Promise<Map<string, string>> {
  const secret = new TextEncoder().encode(process.env['DEMO_JWT_SECRET'] ?? DEMO_JWT_SECRET);
  const tokens = new Map<string, string>();
  for (const name of names) {
    const user = USERS[name];
    const token = await new SignJWT({ tenant: user.tenant })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.key)
      .setIssuer(DEMO_JWT_ISSUER)
      .setAudience(DEMO_JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(secret);
    tokens.set(name, token);
  }
  return tokens;
}
