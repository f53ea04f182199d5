#!/usr/bin/env node
// The permissio-server command. It is a committed file (not dist/cli.js itself)
// so that `pnpm install` can link the command before the package is built;
// it runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'permissio-server: the CLI is not built yet (dist/cli.js is missing). ' +
      'In a clone of the repository run "pnpm build" (or "pnpm --filter @permissio/server build") first.\n',
  );
  process.exitCode = 1;
} else {
  await import(cli.href);
}
