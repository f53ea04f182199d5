/** A fresh PostgreSQL database for the calling test file, on the run's shared throwaway server. */
import { inject } from 'vitest';
import { createTestDatabase } from './postgres.js';

/** Creates an empty database on the server started by `postgres-global-setup.ts`; resolves to its URL. */
export async function freshDatabase(): Promise<string> {
  return await createTestDatabase(inject('postgresUrl'));
}
