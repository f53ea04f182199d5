/**
 * `createEngine(definePolicy({...}))` types the engine, and the client over
 * it, by the policy; a plain snapshot keeps the engine untyped. Type-checked
 * by `pnpm typecheck`; nothing here runs.
 */
import { definePolicy, Permissio, type PolicySnapshot, type UntypedShape } from '@permissio/core';
import { describe, expectTypeOf, it } from 'vitest';
import { createEngine, type Engine } from '../src/index.js';

const policy = definePolicy({
  resources: [
    { key: 'document', actions: ['read', 'write'] },
    { key: 'project', actions: ['view'] },
  ],
});

describe('createEngine', () => {
  it('is typed by a definePolicy snapshot, and so is the client over it', async () => {
    const engine = createEngine(policy);
    expectTypeOf(engine).toEqualTypeOf<Engine<{ readonly document: 'read' | 'write'; readonly project: 'view' }>>();
    const permissio = new Permissio({ pdp: engine });
    await permissio.check('alice', 'write', { type: 'document', key: 'd' });
    // @ts-expect-error "view" is not an action of document
    await permissio.check('alice', 'view', 'document');
    // @ts-expect-error no resource type "folder"
    await permissio.createRequestScope({ user: 'alice' }).check('read', 'folder');
    const lenient = new Permissio({ pdp: engine, throwOnError: false });
    // @ts-expect-error "project:write" is not a permission of the policy
    await lenient.api.roles.addPermission('editor', 'project:write');
  });

  it('stays untyped for a plain snapshot, with or without literal types', () => {
    const snapshot: PolicySnapshot = { resources: [{ key: 'document', actions: ['read'] }] };
    expectTypeOf(createEngine(snapshot)).toEqualTypeOf<Engine<UntypedShape>>();
    expectTypeOf(createEngine({ resources: [{ key: 'document', actions: ['read'] }] })).toEqualTypeOf<
      Engine<UntypedShape>
    >();
    expectTypeOf(createEngine()).toEqualTypeOf<Engine<UntypedShape>>();
    void new Permissio({ pdp: createEngine(snapshot) }).check('alice', 'anything', 'whatever');
  });
});
