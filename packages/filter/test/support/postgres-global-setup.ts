/**
 * vitest `globalSetup` of the filter tests: the PostgreSQL legs run on a real
 * PostgreSQL — the one `PERMISSIO_TEST_POSTGRES_URL` names, else the run's
 * throwaway server when the server tests' globalSetup already started one (the
 * root config runs both in one project), else a throwaway server started with
 * the server package's helper (`packages/server/test/support/postgres.ts`). Without PostgreSQL binaries the
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
  const shared = (project.getProvidedContext() as Partial<{ postgresUrl: string }>).postgresUrl;
  if (shared !== undefined) {
    project.provide('filterPostgres', { url: shared });
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
