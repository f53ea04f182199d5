/** Issue 11, item 9: a seed with a misspelt field is refused, naming the path, instead of loading something else. */
import type { PolicySnapshot } from '@permissio/core';
import { describe, expect, it } from 'vitest';
import { client, KEY_A, POLICY, startTestServer } from './helpers.js';

describe('seed validation', () => {
  it('refuses a seed whose role assignment says `tennant`, with the path and a did-you-mean', async () => {
    const seed = {
      ...POLICY,
      roleAssignments: [{ user: 'alice@example.com', role: 'editor', tennant: 'acme' }],
    } as unknown as PolicySnapshot;
    await expect(startTestServer({ seed })).rejects.toThrow(
      'unknown field `roleAssignments[0].tennant`; did you mean `tenant`?',
    );
  });

  it('PUT snapshot with an unknown field answers 422 and keeps the policy', async () => {
    const server = await startTestServer({ seed: POLICY });
    try {
      const api = client(server.url, KEY_A);
      const before = await api('GET', 'P/snapshot');
      const answer = await api('PUT', 'P/snapshot', { ...POLICY, roleAssigments: [] });
      expect(answer.status).toBe(422);
      expect(answer.text).toMatch(/roleAssigments/);
      expect((await api('GET', 'P/snapshot')).body).toEqual(before.body);
    } finally {
      await server.close();
    }
  });
});
