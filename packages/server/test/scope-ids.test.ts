/**
 * A control character (NUL above all) in a project or environment id must
 * never make two scopes share one engine: such ids are refused where keys
 * are configured, and scopes are kept by (project, environment), not by a
 * joined string.
 */
import type { Pdp } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { SqliteStorage } from '../src/index.js';
import { ScopeRegistry } from '../src/registry.js';
import { KEY_A, startTestServer } from './helpers.js';

const silent = { warn: () => undefined, error: () => undefined };

describe('project and environment ids', () => {
  it.each([
    ['projectId', { projectId: 'a\u0000b', environmentId: 'c' }],
    ['environmentId', { projectId: 'a', environmentId: 'b\u0000c' }],
    ['environmentId', { projectId: 'a', environmentId: 'line\nbreak' }],
  ])('startServer refuses a control character in apiKeys[].%s', async (field, scope) => {
    await expect(startTestServer({ apiKeys: [{ key: KEY_A, ...scope }] })).rejects.toThrow(
      `apiKeys[].${field} must not contain control characters`,
    );
  });

  it('startServer refuses a control character in seedScopes', async () => {
    await expect(
      startTestServer({ seed: {}, seedScopes: [{ projectId: 'p\u0000', environmentId: 'e' }] }),
    ).rejects.toThrow('seedScopes[].projectId must not contain control characters');
  });

  it('the CLI refuses one in --project / --environment (exit 2)', async () => {
    for (const args of [
      ['--project', 'a\u0000b'],
      ['--environment', 'x\u0007'],
    ]) {
      let err = '';
      const code = await main({
        argv: ['--db', ':memory:', ...args],
        env: {},
        stdout: { write: () => true },
        stderr: { write: (text: string) => (err += text) },
      });
      expect(code).toBe(2);
      expect(err).toContain(`${args[0]} must not contain control characters`);
    }
  });

  it('scopes whose joined ids would collide still get separate engines', async () => {
    const storage = new SqliteStorage(':memory:');
    const registry = new ScopeRegistry({
      storage,
      createPdp: () => createEngine() as Pdp,
      compactEvery: 1000,
      logger: silent,
    });
    const one = { projectId: 'a\u0000b', environmentId: 'c' };
    const two = { projectId: 'a', environmentId: 'b\u0000c' };
    await registry.write(one, (tx) => tx.call('users.create', { key: 'only-in-one' }));
    expect(registry.get(one)).not.toBe(registry.get(two));
    expect((await registry.get(two).pdp.users.list()).total).toBe(0);
    expect((await registry.get(one).pdp.users.list()).total).toBe(1);
    await registry.close();
    storage.close();
  });
});
