/**
 * vitest `globalSetup`: one throwaway PostgreSQL server for the whole run
 * (initdb costs about a second), handed to test files as `inject('postgresUrl')`.
 * Test files create their own database on it (`createTestDatabase`).
 */
import type { TestProject } from 'vitest/node';
import { startTestPostgres, type TestPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

let server: TestPostgres | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startTestPostgres();
  project.provide('postgresUrl', server.url);
}

export function teardown(): void {
  server?.stop();
}
