/**
 * Demo bearer tokens for the cast, minted exactly as the examples verify them
 * (`@permissio/example-shared/auth`: HS256, demo secret, issuer, audience).
 */
import { demoSecret, mintDemoToken } from '@permissio/example-shared/auth';
import type { DemoUserName } from '../../shared/policy.js';

export async function mintTokens(names: readonly DemoUserName[]): Promise<Map<string, string>> {
  const secret = demoSecret();
  const tokens = new Map<string, string>();
  for (const name of names) tokens.set(name, await mintDemoToken(name, secret, '10m'));
  return tokens;
}
