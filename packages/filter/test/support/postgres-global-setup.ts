/**
 * vitest `globalSetup` of the filter tests: the PostgreSQL legs run on a real
 * PostgreSQL — the one `PERMISSIO_TEST_POSTGRES_URL` names, else a throwaway
 * server started with the server package's helper (the one its own tests use:
 * `packages/server/test/support/postgres.ts`). Without PostgreSQL binaries the
 * legs are skipped, with the reason: `inject('filterPostgres')` is
 * `{url}` or `{skip}`.
 */
import type { TestProject } from 'vitest/node';
import { findPostgresBin, startTestPostgres, type TestPostgres } from '../../../server/test/support/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    filterPostgres: { url: string } | { skip: string };
  }
}

let server: TestPostgres | undefined;

export async function setup(project: TestProject): Promise<void> {
  const configured = process.env.PERMISSIO_TEST_POSTGRES_URL;
  if (configured !== undefined && configured !== '') {
    project.provide('filterPostgres', { url: configured });
    return;
  }
  // Never installs anything: only binaries already on the machine (CI apt-installs postgresql).
  if (findPostgresBin() === undefined) {
    const skip =
      'no PostgreSQL binaries (/usr/lib/postgresql/<version>/bin or PERMISSIO_PG_BIN) and no PERMISSIO_TEST_POSTGRES_URL';
    process.stderr.write(`@permissio/filter: PostgreSQL legs skipped: ${skip}.\n`);
    project.provide('filterPostgres', { skip });
    return;
  }
  server = await startTestPostgres();
  project.provide('filterPostgres', { url: server.url });
}

export function teardown(): void {
  server?.stop();
}
