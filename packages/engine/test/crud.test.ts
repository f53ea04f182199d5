/** The shared CRUD block: each group's list/get/create/update/delete/sync behave and report alike. */
import type { EngineChange } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';

describe('CRUD operations of users, tenants, roles and resource types', () => {
  it('write through the entity, report <group>.<method> with the arguments, and page lists by key', async () => {
    const engine = createEngine();
    const seen: EngineChange[] = [];
    engine.onChange((change) => seen.push(change));
    await engine.resources.create({ key: 'doc', actions: ['read'] });
    const groups = [
      ['users', engine.users, { email: 'x@example.com' }],
      ['tenants', engine.tenants, { name: 'Some name' }],
      ['roles', engine.roles, { name: 'Some name' }],
      ['resources', engine.resources, { name: 'Some name' }],
    ] as const;
    for (const [group, ops, update] of groups) {
      seen.length = 0;
      const api = ops as unknown as {
        create(input: unknown): Promise<{ key: string }>;
        update(key: string, update: unknown): Promise<unknown>;
        sync(key: string, input: unknown): Promise<unknown>;
        get(key: string): Promise<{ key: string }>;
        delete(key: string): Promise<void>;
        list(params?: unknown): Promise<{ data: { key: string }[]; total: number; page: number; perPage: number }>;
      };
      await api.create({ key: 'b-key' });
      await api.create({ key: 'a-key' });
      await api.update('a-key', update);
      await api.sync('c-key', {});
      expect((await api.get('a-key')).key).toBe('a-key');
      const page = await api.list({ search: 'KEY', perPage: 2, page: 1 });
      expect(page.data.map((r) => r.key)).toEqual(['a-key', 'b-key']);
      expect(page.total).toBe(3);
      await api.delete('b-key');
      await expect(api.get('b-key')).rejects.toThrow(/does not exist/);
      await expect(api.create({ key: 'a-key' })).rejects.toThrow(/already exists/);
      expect(seen).toEqual([
        { op: `${group}.create`, args: [{ key: 'b-key' }] },
        { op: `${group}.create`, args: [{ key: 'a-key' }] },
        { op: `${group}.update`, args: ['a-key', update] },
        { op: `${group}.sync`, args: ['c-key', {}] },
        { op: `${group}.delete`, args: ['b-key'] },
      ]);
    }
  });
});
