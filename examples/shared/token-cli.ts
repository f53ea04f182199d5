/**
 * Prints a demo bearer token: `pnpm --filter @permissio/example-express demo-token alice`.
 * Users: alice, bob, carol, dave, erin (see ./policy.ts), or `<sub> <tenant>`
 * for anyone else (`<sub> <tenant> <department>` adds a department claim).
 * Demo only: signed with the demo secret.
 */
import { mintDemoToken } from './auth.js';
import { USERS, type DemoUserName } from './policy.js';

const [name, tenant, department] = process.argv.slice(2);
if (name === undefined || (tenant === undefined && !(name in USERS))) {
  console.error(`usage: demo-token <${Object.keys(USERS).join('|')}>  or  demo-token <sub> <tenant> [department]`);
  process.exit(2);
}
const token =
  tenant === undefined
    ? await mintDemoToken(name as DemoUserName)
    : await mintDemoToken(department === undefined ? { sub: name, tenant } : { sub: name, tenant, department });
process.stdout.write(`${token}\n`);
