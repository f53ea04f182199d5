/**
 * Issue 10 item 10: with the CommonJS builds, a validation error thrown by
 * the engine must still be recognised as one by core's `internal` entry
 * (the Authorizer answers 400, not 503) — `index.cjs` and `internal.cjs`
 * must not carry two unrelated copies of the error classes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Core from '@permissio/core';
import type * as Internal from '@permissio/core/internal';
import type * as Engine from '@permissio/engine';
import {
  PermissioApiError as SourcePermissioApiError,
  PermissioError as SourcePermissioError,
  PermissioValidationError as SourcePermissioValidationError,
} from '@permissio/core';
import { buildCjs, type CjsBuild } from './cjs-build.js';

let built: CjsBuild;
let core: typeof Core;
let internal: typeof Internal;
let engine: typeof Engine;

beforeAll(async () => {
  built = await buildCjs(['core', 'engine']);
  core = built.require('@permissio/core') as typeof Core;
  internal = built.require('@permissio/core/internal') as typeof Internal;
  engine = built.require('@permissio/engine') as typeof Engine;
}, 120_000);
afterAll(() => built?.remove());

const SNAPSHOT = {
  resources: [{ key: 'document', actions: ['read'] }],
  roles: [{ key: 'reader', permissions: ['document:read'] }],
  users: [{ key: 'alice' }],
  roleAssignments: [{ user: 'alice', role: 'reader', tenant: 'default' }],
};

describe('CommonJS builds of core and engine', () => {
  it('load from dist with require', () => {
    expect(built.require.resolve('@permissio/core')).toMatch(/dist[\\/]index\.cjs$/);
    expect(built.require.resolve('@permissio/core/internal')).toMatch(/dist[\\/]internal\.cjs$/);
    expect(built.require.resolve('@permissio/engine')).toMatch(/dist[\\/]index\.cjs$/);
  });

  it('an engine validation error is a PermissioValidationError for both entry points', async () => {
    const pdp = engine.createEngine(SNAPSHOT as Core.PolicySnapshot);
    const error = await Promise.resolve()
      .then(() => pdp.check({ user: 'alice', action: 'read', resource: { type: 'document', key: 'doc\u0000' } }))
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(core.PermissioValidationError);
    expect(internal.statusForError(error)).toBe(422);
  });

  it("core/internal's Authorizer answers 400 (not 503) for an invalid resource from the engine", async () => {
    const client = new core.Permissio({ pdp: engine.createEngine(SNAPSHOT as Core.PolicySnapshot) });
    const authorizer = new internal.Authorizer<{ user: string }>({ client, user: (req) => req.user }, 'test');
    const req = { user: 'alice' };
    const context = await authorizer.begin(req);
    const allowed = await authorizer.authorize(context, req, 'read', { type: 'document', key: 'doc-1' });
    expect(allowed).toEqual({ kind: 'allow' });
    const refused = await authorizer.authorize(context, req, 'read', { type: 'document', key: 'doc\u0000' });
    expect(refused.kind).toBe('bad_request');
    expect(refused.kind === 'allow' ? 0 : refused.status).toBe(400);
  });

  it('errors built by the main entry are recognised by the internal one', async () => {
    const made = new core.PermissioValidationError('Invalid resource key.');
    expect(internal.statusForError(made)).toBe(422);
    // A PDP that throws the main entry's class (as an engine importing `@permissio/core` does).
    const inner = engine.createEngine(SNAPSHOT as Core.PolicySnapshot);
    const pdp = new Proxy(inner, {
      get: (target, key, receiver) =>
        key === 'check'
          ? () => {
              throw new core.PermissioValidationError('Invalid resource key.');
            }
          : Reflect.get(target, key, receiver),
    });
    const client = new core.Permissio({ pdp });
    const authorizer = new internal.Authorizer<{ user: string }>({ client, user: (req) => req.user }, 'test');
    const req = { user: 'alice' };
    const refused = await authorizer.authorize(await authorizer.begin(req), req, 'read', {
      type: 'document',
      key: 'x',
    });
    expect(refused.kind).toBe('bad_request');
  });

  it('an error of one copy of core is an instance of the same class in another (ESM source vs CommonJS)', () => {
    const fromCjs = new core.PermissioValidationError('Invalid key.');
    expect(fromCjs).toBeInstanceOf(SourcePermissioValidationError);
    expect(fromCjs).toBeInstanceOf(SourcePermissioError);
    expect(fromCjs).not.toBeInstanceOf(SourcePermissioApiError);
    const notFound = new core.PermissioNotFoundError('No such user.');
    expect(notFound).toBeInstanceOf(SourcePermissioApiError);
    expect(notFound).not.toBeInstanceOf(SourcePermissioValidationError);
    const fromSource = new SourcePermissioValidationError('Invalid key.');
    expect(fromSource).toBeInstanceOf(core.PermissioValidationError);
    expect(internal.statusForError(fromSource)).toBe(422);
    expect(new Error('plain')).not.toBeInstanceOf(core.PermissioError);
    expect(Object.create(null)).not.toBeInstanceOf(core.PermissioError);
    class AppError extends SourcePermissioError {}
    expect(new SourcePermissioError('x')).not.toBeInstanceOf(AppError);
    expect(new AppError('x')).toBeInstanceOf(core.PermissioError);
  });
});
