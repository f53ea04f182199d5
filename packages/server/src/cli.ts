/** `permissio-server`: the local PDP server from the command line (see `cli/main.ts`). */
import { main } from './cli/main.js';

main({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`permissio-server: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
