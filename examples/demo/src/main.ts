/**
 * `pnpm demo`: runs every example against the fixed scenario and prints the
 * table. Exits 0 only if every row matched; kills every child on the way out.
 */
import { killChildren, runDemo } from './demo.js';

process.once('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killChildren();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

try {
  const result = await runDemo();
  process.exitCode = result.ok ? 0 : 1;
} catch (error) {
  console.error(error);
  killChildren();
  process.exitCode = 1;
}
