import { createEngineLike } from './scratch-helper.js';
import { Permissio, definePolicy, type PolicyShapeOf } from '../src/index.js';

const policy = definePolicy({
  resources: [
    { key: 'document', actions: ['read', 'write'] },
    { key: 'project', actions: [{ key: 'view' }] },
  ],
});
type Shape = PolicyShapeOf<typeof policy>;
const s: Shape = { document: 'read', project: 'view' };
void s;
const client = new Permissio({ pdp: createEngineLike(policy) });
void client.check('alice', 'read', 'document');
void client.check('alice', 'read', { type: 'document', key: 'x' });
// @ts-expect-error
void client.check('alice', 'view', 'document');
// @ts-expect-error
void client.check('alice', 'read', 'nope');
void client.bulkCheck([{ user: 'a', action: 'view', resource: 'project' }]);
// @ts-expect-error
void client.bulkCheck([{ user: 'a', action: 'read', resource: 'project' }]);
void client.api.roles.addPermission('r', 'document:write');
// @ts-expect-error
void client.api.roles.addPermission('r', 'document:view');
const any: Permissio<boolean> = client;
void any;
const scope = client.createRequestScope({ user: 'a' });
void scope.check('read', 'document');
// @ts-expect-error
void scope.check('view', 'document');
const untyped = new Permissio({ pdp: createEngineLike({ resources: [{ key: 'document', actions: ['read'] }] }) });
void untyped.check('a', 'anything', 'whatever');
