"""Writes vectors/abac-*.json. Expectations are written by hand here (the three-valued rules of
docs/MODEL.md), never computed by an engine. Run: python3 packages/conformance/scripts/abac_vectors.py"""
import json, os

OUT = os.path.join(os.path.dirname(__file__), '..', 'vectors')
T, F = True, False
ATTRS = [
    {'key': 's', 'type': 'string'}, {'key': 'n', 'type': 'number'}, {'key': 'b', 'type': 'bool'},
    {'key': 't', 'type': 'time'}, {'key': 'a', 'type': 'array'}, {'key': 'j', 'type': 'json'},
    {'key': 'constructor', 'type': 'string'},
]

def cmp(path, op, operand):
    return {path: {op: operand}}

# (condition over user.*, [(check-time user attributes, expected), ...])
USER_CASES = [
    (cmp('user.s', 'equals', 'x'), [({'s': 'x'}, T), ({'s': 'X'}, F), ({}, F), ({'s': None}, F), ({'s': 5}, F)]),
    (cmp('user.s', 'not-equals', 'x'), [({'s': 'y'}, T), ({'s': 'x'}, F), ({}, F), ({'s': 1}, F)]),
    (cmp('user.s', 'in', ['a', 'b']), [({'s': 'a'}, T), ({'s': 'c'}, F), ({}, F)]),
    (cmp('user.s', 'not-in', ['a', 'b']), [({'s': 'c'}, T), ({'s': 'a'}, F), ({}, F)]),
    (cmp('user.s', 'contains', 'ell'), [({'s': 'hello'}, T), ({'s': 'help'}, F), ({'s': ['ell']}, F)]),
    (cmp('user.s', 'starts-with', 'he'), [({'s': 'hello'}, T), ({'s': 'oh he'}, F), ({}, F)]),
    (cmp('user.s', 'exists', True), [({'s': 'x'}, T), ({}, F), ({'s': None}, F)]),
    (cmp('user.s', 'exists', False), [({}, T), ({'s': None}, T), ({'s': ''}, F)]),
    (cmp('user.n', 'equals', 5), [({'n': 5}, T), ({'n': '5'}, F), ({'n': 6}, F)]),
    (cmp('user.n', 'not-equals', 5), [({'n': 6}, T), ({'n': 5}, F), ({'n': '6'}, F)]),
    (cmp('user.n', 'greater-than', 3), [({'n': 4}, T), ({'n': 3}, F), ({'n': '4'}, F)]),
    (cmp('user.n', 'greater-than-equals', 3), [({'n': 3}, T), ({'n': 2.5}, F)]),
    (cmp('user.n', 'less-than', 3), [({'n': -1}, T), ({'n': 3}, F)]),
    (cmp('user.n', 'less-than-equals', 3), [({'n': 3}, T), ({'n': 4}, F)]),
    (cmp('user.n', 'in', [1, 2]), [({'n': 2}, T), ({'n': 3}, F)]),
    (cmp('user.n', 'not-in', [1, 2]), [({'n': 3}, T), ({'n': 1}, F), ({}, F)]),
    (cmp('user.b', 'equals', True), [({'b': True}, T), ({'b': False}, F), ({'b': 'true'}, F)]),
    (cmp('user.b', 'not-equals', True), [({'b': False}, T), ({'b': True}, F)]),
    (cmp('user.b', 'in', [True]), [({'b': True}, T), ({'b': False}, F)]),
    (cmp('user.b', 'not-in', [True]), [({'b': False}, T), ({'b': True}, F)]),
    (cmp('user.t', 'greater-than', '2024-01-01'),
     [({'t': '2024-06-01T00:00:00Z'}, T), ({'t': '2023-12-31'}, F), ({'t': 'not a time'}, F)]),
    (cmp('user.t', 'less-than', '2024-01-01T00:00:00Z'), [({'t': '2023-12-31T23:59:59Z'}, T), ({'t': '2024-01-01'}, F)]),
    (cmp('user.t', 'equals', '2024-05-01'), [({'t': '2024-05-01T02:00:00+02:00'}, T), ({'t': '2024-05-01T00:00:01Z'}, F)]),
    (cmp('user.t', 'greater-than-equals', '2024-05-01'), [({'t': '2024-05-01'}, T), ({'t': '2024-04-30'}, F)]),
    (cmp('user.t', 'less-than-equals', '2024-05-01'), [({'t': '2024-05-01'}, T), ({'t': '2024-05-02'}, F)]),
    (cmp('user.a', 'contains', 'x'), [({'a': ['x', 'y']}, T), ({'a': ['y']}, F), ({'a': 'x'}, F)]),
    (cmp('user.a', 'contains-any', ['x', 'z']), [({'a': ['z']}, T), ({'a': ['y']}, F), ({}, F)]),
    (cmp('user.a', 'contains-all', ['x', 'y']), [({'a': ['y', 'z', 'x']}, T), ({'a': ['x']}, F)]),
    (cmp('user.a', 'equals', ['x', 'y']), [({'a': ['x', 'y']}, T), ({'a': ['x']}, F)]),
    (cmp('user.a', 'not-equals', ['x']), [({'a': ['y']}, T), ({'a': ['x']}, F)]),
    (cmp('user.a', 'exists', True), [({'a': []}, T), ({}, F)]),
    (cmp('user.j', 'equals', {'k': 1}), [({'j': {'k': 1}}, T), ({'j': {'k': 2}}, F), ({}, F)]),
    (cmp('user.j', 'exists', True), [({'j': {}}, T), ({'j': None}, F)]),
    (cmp('user.constructor', 'exists', True), [({}, F), ({'constructor': 'x'}, T)]),
    ({'allOf': []}, [({}, T)]),
    ({'anyOf': []}, [({}, F)]),
    ({'not': cmp('user.s', 'equals', 'x')}, [({'s': 'y'}, T), ({}, F), ({'s': 'x'}, F), ({'s': 1}, F)]),
    ({'not': {'not': cmp('user.s', 'equals', 'x')}}, [({'s': 'x'}, T), ({}, F)]),
    ({'anyOf': [cmp('user.s', 'equals', 'x'), cmp('user.n', 'equals', 1)]}, [({'n': 1}, T), ({}, F), ({'s': 'y', 'n': 2}, F)]),
    ({'allOf': [cmp('user.s', 'equals', 'x'), cmp('user.n', 'equals', 1)]}, [({'s': 'x', 'n': 1}, T), ({'s': 'x'}, F)]),
    ({'not': {'allOf': [cmp('user.s', 'equals', 'x'), cmp('user.n', 'equals', 1)]}}, [({'s': 'y'}, T), ({'s': 'x'}, F)]),
    ({'not': {'anyOf': [cmp('user.s', 'equals', 'x'), cmp('user.n', 'equals', 1)]}}, [({'s': 'y', 'n': 2}, T), ({'s': 'y'}, F)]),
    ({'anyOf': [cmp('user.s', 'exists', False), {'not': cmp('user.s', 'equals', 'secret')}]},
     [({}, T), ({'s': 'public'}, T), ({'s': 'secret'}, F)]),
    ({'allOf': [{'anyOf': [cmp('user.n', 'greater-than', 10), {'not': cmp('user.b', 'equals', True)}]}, cmp('user.s', 'starts-with', 'a')]},
     [({'n': 11, 's': 'ab'}, T), ({'b': False, 's': 'a'}, T), ({'b': True, 's': 'a'}, F), ({'s': 'a'}, F)]),
    (cmp('user.s', 'equals', {'ref': 'user.key'}), [({'s': 'u'}, T), ({'s': 'v'}, F), ({}, F)]),
    (cmp('user.email', 'starts-with', 'u@'), [({}, F)]),
]

def user_vector():
    actions, sets, rules, steps = ['noop'], [], [], []
    sets.append({'key': 'any-item', 'type': 'resourceset', 'resourceType': 'item', 'conditions': {'allOf': []}})
    for i, (cond, checks) in enumerate(USER_CASES):
        act = f'op{i}'
        actions.append(act)
        sets.append({'key': f'u{i}', 'type': 'userset', 'conditions': cond})
        rules.append({'userSet': f'u{i}', 'permission': f'item:{act}', 'resourceSet': 'any-item'})
        for attrs, expected in checks:
            steps.append({'op': 'check', 'note': f'{json.dumps(cond)} with {json.dumps(attrs)}',
                          'request': {'user': {'key': 'u', 'attributes': attrs}, 'action': act, 'resource': 'item'},
                          'expect': expected})
    steps.append({'op': 'check', 'note': 'a user known only from the check, explained',
                  'request': {'user': {'key': 'u', 'attributes': {'s': 'x'}}, 'action': 'op0', 'resource': 'item'},
                  'expect': True, 'explain': {'reason': 'condition_rule', 'via': {'userSet': 'u0', 'resourceSet': 'any-item', 'permission': 'item:op0'}}})
    steps.append({'op': 'check', 'note': 'no rule matched: an unknown user stays unknown_user',
                  'request': {'user': {'key': 'u', 'attributes': {'s': 'y'}}, 'action': 'op0', 'resource': 'item'},
                  'expect': False, 'explain': {'reason': 'unknown_user'}})
    steps.append({'op': 'check', 'note': 'an action without rules denies',
                  'request': {'user': {'key': 'u', 'attributes': {'s': 'x'}}, 'action': 'noop', 'resource': 'item'},
                  'expect': False})
    return {'description': 'ABAC: every operator on every type, nested allOf/anyOf/not, ref, missing/null/wrong-type values (never an allow through not), special keys; users known only from the check',
            'policy': {'resources': [{'key': 'item', 'actions': actions}], 'userAttributes': ATTRS,
                       'conditionSets': sets, 'conditionSetRules': rules}, 'steps': steps}

RES_CASES = [
    (cmp('resource.s', 'equals', 'x'), [({'s': 'x'}, T), ({}, F), ({'s': None}, F)]),
    (cmp('resource.n', 'greater-than', 2), [({'n': 3}, T), ({'n': '3'}, F)]),
    (cmp('resource.a', 'contains', 'x'), [({'a': ['x']}, T), ({'a': []}, F)]),
    (cmp('resource.t', 'less-than', '2024-01-01'), [({'t': '2023-01-01'}, T), ({'t': 20230101}, F)]),
    ({'not': cmp('resource.s', 'equals', 'secret')}, [({'s': 'public'}, T), ({}, F), ({'s': 'secret'}, F)]),
    (cmp('resource.s', 'equals', {'ref': 'user.key'}), [({'s': 'u'}, T), ({'s': 'w'}, F)]),
    (cmp('resource.n', 'equals', {'ref': 'user.n'}), [({'n': 7}, T), ({'n': 8}, F)]),
    (cmp('resource.key', 'starts-with', 'pub-'), [({}, T)]),
    (cmp('resource.type', 'equals', 'item'), [({}, T)]),
    (cmp('resource.tenant', 'equals', 'default'), [({}, T)]),
    (cmp('context.ip', 'starts-with', '10.'), []),
]

def resource_vector():
    actions, sets, rules, steps = [], [], [], []
    sets.append({'key': 'everyone', 'type': 'userset', 'conditions': {'allOf': []}})
    for i, (cond, checks) in enumerate(RES_CASES):
        act = f'op{i}'
        actions.append(act)
        sets.append({'key': f'r{i}', 'type': 'resourceset', 'resourceType': 'item', 'conditions': cond})
        rules.append({'userSet': 'everyone', 'permission': f'item:{act}', 'resourceSet': f'r{i}'})
        for attrs, expected in checks:
            steps.append({'op': 'check', 'note': f'{json.dumps(cond)} with {json.dumps(attrs)}',
                          'request': {'user': {'key': 'u', 'attributes': {'n': 7}}, 'action': act,
                                      'resource': {'type': 'item', 'key': 'pub-1', 'attributes': attrs}},
                          'expect': expected})
    ctx = len(RES_CASES) - 1
    for context, expected in [({'ip': '10.0.0.1'}, T), ({'ip': 10}, F), (None, F), ({'ip': '11.0.0.1'}, F)]:
        req = {'user': 'u', 'action': f'op{ctx}', 'resource': {'type': 'item', 'key': 'k'}}
        if context is not None:
            req['context'] = context
        steps.append({'op': 'check', 'note': f'context {json.dumps(context)}', 'request': req, 'expect': expected})
    steps.append({'op': 'check', 'note': 'resource.key of another instance', 'expect': False,
                  'request': {'user': 'u', 'action': f'op7', 'resource': {'type': 'item', 'key': 'priv-1'}}})
    steps.append({'op': 'bulkCheck', 'requests': [
        {'user': 'u', 'action': 'op0', 'resource': {'type': 'item', 'attributes': {'s': 'x'}}},
        {'user': 'u', 'action': 'op0', 'resource': {'type': 'item', 'attributes': {'s': 'y'}}}], 'expect': [True, False]})
    return {'description': 'ABAC: resourceset conditions on check-time resource attributes, built-ins, refs to user values, context',
            'policy': {'resources': [{'key': 'item', 'actions': actions, 'attributes': ATTRS}],
                       'userAttributes': [{'key': 'n', 'type': 'number'}],
                       'conditionSets': sets, 'conditionSetRules': rules}, 'steps': steps}

def sources_vector():
    doc = lambda attrs: {'type': 'document', 'key': 'd1', 'attributes': attrs}
    policy = {
        'resources': [{'key': 'document', 'actions': ['read', 'edit', 'delete'],
                       'attributes': [{'key': 'ownerId', 'type': 'string'}, {'key': 'level', 'type': 'number'}]}],
        'roles': [{'key': 'viewer', 'permissions': []}, {'key': 'staff', 'extends': ['viewer']},
                  {'key': 'admin', 'permissions': ['document:delete']}],
        'tenants': [{'key': 'acme', 'attributes': {'plan': 'pro'}}, {'key': 'globex', 'attributes': {'plan': 'free'}}],
        'users': [{'key': 'alice', 'attributes': {'department': 'engineering'}},
                  {'key': 'bob', 'attributes': {'department': 'sales'}}],
        'roleAssignments': [{'user': 'bob', 'role': 'staff', 'tenant': 'acme'}],
        'userAttributes': [{'key': 'department', 'type': 'string'}],
        'conditionSets': [
            {'key': 'engineers', 'type': 'userset', 'conditions': cmp('user.department', 'equals', 'engineering')},
            {'key': 'viewers', 'type': 'userset', 'conditions': cmp('user.roles', 'contains', 'viewer')},
            {'key': 'pro-tenants', 'type': 'userset', 'conditions': cmp('tenant.plan', 'equals', 'pro')},
            {'key': 'own', 'type': 'resourceset', 'resourceType': 'document',
             'conditions': cmp('resource.ownerId', 'equals', {'ref': 'user.key'})},
            {'key': 'low', 'type': 'resourceset', 'resourceType': 'document', 'conditions': cmp('resource.level', 'less-than', 2)},
            {'key': 'all-docs', 'type': 'resourceset', 'resourceType': 'document', 'conditions': {'allOf': []}},
        ],
        'conditionSetRules': [
            {'userSet': 'engineers', 'permission': 'document:edit', 'resourceSet': 'own'},
            {'userSet': 'viewers', 'permission': 'document:read', 'resourceSet': 'low', 'tenant': 'acme'},
            {'userSet': 'pro-tenants', 'permission': 'document:read', 'resourceSet': 'all-docs'},
        ],
    }
    c = lambda user, action, resource, expected, note, tenant=None, explain=None: dict(
        {'op': 'check', 'note': note, 'expect': expected,
         'request': dict({'user': user, 'action': action, 'resource': resource}, **({'tenant': tenant} if tenant else {}))},
        **({'explain': explain} if explain else {}))
    steps = [
        c('alice', 'edit', doc({'ownerId': 'alice'}), T, 'stored attributes decide',
          explain={'reason': 'condition_rule', 'via': {'userSet': 'engineers', 'resourceSet': 'own', 'permission': 'document:edit'}}),
        c('alice', 'edit', doc({'ownerId': 'bob'}), F, 'not the owner', explain={'reason': 'no_matching_grant'}),
        c({'key': 'alice', 'attributes': {'department': 'sales'}}, 'edit', doc({'ownerId': 'alice'}), F, 'the check-time value overrides the stored one'),
        c({'key': 'alice', 'attributes': {'department': None}}, 'edit', doc({'ownerId': 'alice'}), F, 'a check-time null overrides too (UNKNOWN)'),
        c({'key': 'bob', 'attributes': {'department': 'engineering'}}, 'edit', doc({'ownerId': 'bob'}), T, 'the check makes bob an engineer'),
        c({'key': 'alice', 'attributes': {'other': 1}}, 'edit', doc({'ownerId': 'alice'}), T, 'keys the check does not pass come from the store'),
        c('bob', 'read', doc({'level': 1}), T, 'user.roles holds inherited tenant-wide roles; tenant-scoped rule', tenant='acme',
          explain={'reason': 'condition_rule', 'via': {'userSet': 'pro-tenants', 'resourceSet': 'all-docs', 'permission': 'document:read'}}),
        c('bob', 'read', doc({'level': 1}), F, 'no roles in globex, free plan', tenant='globex'),
        c('alice', 'read', doc({}), T, 'tenant attributes: pro plan', tenant='acme'),
        c('alice', 'read', doc({}), F, 'tenant attributes: free plan', tenant='globex'),
        c('nobody', 'read', doc({}), T, 'an unknown user matches a tenant-only userset', tenant='acme'),
        c('nobody', 'read', doc({}), F, 'and stays unknown_user where nothing matches', tenant='globex', explain={'reason': 'unknown_user'}),
        c('nobody', 'write', doc({}), F, 'an unknown action still denies first', tenant='acme', explain={'reason': 'unknown_user'}),
        c('alice', 'write', doc({}), F, 'unknown action', tenant='acme', explain={'reason': 'unknown_action'}),
        c('alice', 'read', {'type': 'folder'}, F, 'unknown resource type', tenant='acme', explain={'reason': 'unknown_resource_type'}),
        {'op': 'checkPermissions', 'request': {'user': {'key': 'carol', 'attributes': {'department': 'engineering'}},
                                               'resourceUris': ['document:d1'], 'permissions': ['document:edit'], 'tenant': 'acme'},
         'expect': {'passed': False, 'missing': [{'resource': 'document:d1', 'permissions': ['document:edit']}]},
         'note': 'checkPermissions has no resource attributes: ownerId is missing (UNKNOWN)'},
        {'op': 'checkPermissions', 'request': {'user': 'alice', 'resourceUris': ['document:d1', '/p/1'],
                                               'permissions': ['document:read'], 'tenant': 'acme'},
         'expect': {'passed': True, 'missing': []}},
        {'op': 'getUserPermissions', 'args': ['alice', 'document:d1', {'tenant': 'acme'}],
         'expect': {'permissions': ['document:read'], 'roles': []},
         'note': 'listed exactly when a bare check allows: read via pro-tenants; edit needs ownerId'},
        {'op': 'getUserPermissions', 'args': ['alice', 'document:d1', {'tenant': 'globex'}], 'expect': {'permissions': [], 'roles': []}},
        {'op': 'getUserPermissions', 'args': ['bob', '/p/1', {'tenant': 'acme'}], 'expect': {'permissions': ['document:read'], 'roles': ['staff']}},
        {'op': 'users.get', 'args': ['alice'], 'expect': {'key': 'alice', 'attributes': {'department': 'engineering'}}},
        {'op': 'users.update', 'args': ['alice', {'attributes': {'department': 'sales'}}], 'expect': {'key': 'alice'}},
        c('alice', 'edit', doc({'ownerId': 'alice'}), F, 'a stored attribute change is read by the next check'),
        {'op': 'roleAssignments.assign', 'args': [{'user': 'alice', 'role': 'viewer', 'tenant': 'globex'}], 'expect': {'role': 'viewer'}},
        c('alice', 'read', doc({'level': 1}), F, 'the viewers rule is scoped to acme', tenant='globex'),
        {'op': 'roleAssignments.assign', 'args': [{'user': 'alice', 'role': 'staff', 'tenant': 'acme'}], 'expect': {'role': 'staff'}},
        c('alice', 'read', doc({'level': 1}), T, 'user.roles follows new assignments', tenant='acme'),
        c({'key': 'zed', 'attributes': {'department': 'engineering'}}, 'delete', doc({'ownerId': 'zed'}), F, 'no rule for delete'),
    ]
    return {'description': 'ABAC: where values come from (stored, check-time override, tenant, user.roles), tenant-scoped rules, explanations, multi checks and getUserPermissions',
            'policy': policy, 'steps': steps}

def cascades_vector():
    policy = {
        'resources': [{'key': 'document', 'actions': ['read', 'edit'], 'attributes': [{'key': 'level', 'type': 'number'}]},
                      {'key': 'folder', 'actions': ['read'], 'attributes': [{'key': 'open', 'type': 'bool'}]}],
        'userAttributes': [{'key': 'dept', 'type': 'string'}],
        'conditionSets': [
            {'key': 'all', 'type': 'userset', 'conditions': {'allOf': []}},
            {'key': 'low', 'type': 'resourceset', 'resourceType': 'document', 'conditions': cmp('resource.level', 'less-than', 2)},
            {'key': 'open', 'type': 'resourceset', 'resourceType': 'folder', 'conditions': cmp('resource.open', 'equals', True)},
        ],
        'conditionSetRules': [
            {'userSet': 'all', 'permission': 'document:read', 'resourceSet': 'low'},
            {'userSet': 'all', 'permission': 'document:edit', 'resourceSet': 'low'},
            {'userSet': 'all', 'permission': 'folder:read', 'resourceSet': 'open'},
        ],
    }
    d = {'type': 'document', 'key': 'd', 'attributes': {'level': 1}}
    f = {'type': 'folder', 'key': 'f', 'attributes': {'open': True}}
    steps = [
        {'op': 'check', 'request': {'user': 'u', 'action': 'edit', 'resource': d}, 'expect': True},
        {'op': 'resources.deleteAttribute', 'args': ['document', 'level'], 'expectError': 'conflict',
         'note': 'a declared attribute a condition reads cannot be deleted (409 naming the set)'},
        {'op': 'resources.deleteAction', 'args': ['document', 'edit'], 'note': 'the permission goes, with its rules'},
        {'op': 'export', 'note': 'rules export in the documented order: userSet, resourceSet, permission',
         'expect': {'conditionSetRules': [
            {'userSet': 'all', 'permission': 'document:read', 'resourceSet': 'low'},
            {'userSet': 'all', 'permission': 'folder:read', 'resourceSet': 'open'}]}},
        {'op': 'check', 'request': {'user': 'u', 'action': 'read', 'resource': d}, 'expect': True},
        {'op': 'resources.delete', 'args': ['document'], 'note': 'deleting a type deletes its resourcesets and their rules'},
        {'op': 'export', 'expect': {'conditionSets': [{'key': 'all'}, {'key': 'open'}],
                                    'conditionSetRules': [{'userSet': 'all', 'permission': 'folder:read', 'resourceSet': 'open'}]}},
        {'op': 'check', 'request': {'user': 'u', 'action': 'read', 'resource': f}, 'expect': True},
        {'op': 'resources.create', 'args': [{'key': 'document', 'actions': ['read'], 'attributes': [{'key': 'level', 'type': 'number'}]}]},
        {'op': 'check', 'request': {'user': 'u', 'action': 'read', 'resource': d}, 'expect': False,
         'note': 'a re-created type does not bring the deleted rules back'},
        {'op': 'resources.createAttribute', 'args': ['folder', {'key': 'size', 'type': 'number'}], 'expect': {'key': 'size'}},
        {'op': 'resources.deleteAttribute', 'args': ['folder', 'size'], 'note': 'an unused attribute can go'},
        {'op': 'resources.update', 'args': ['folder', {'attributes': []}], 'expectError': 'conflict',
         'note': 'dropping a used attribute through an update is refused too'},
        {'op': 'check', 'request': {'user': 'u', 'action': 'read', 'resource': f}, 'expect': True},
    ]
    return {'description': 'ABAC cascades: a deleted action or type takes its rules and resourcesets; used attributes cannot be deleted',
            'policy': policy, 'steps': steps}

def invalid_vector():
    base = {'resources': [{'key': 'document', 'actions': ['read'], 'attributes': [{'key': 'level', 'type': 'number'}, {'key': 'tags', 'type': 'array'}]},
                          {'key': 'folder', 'actions': ['read'], 'attributes': [{'key': 'open', 'type': 'bool'}]}],
            'userAttributes': [{'key': 'dept', 'type': 'string'}, {'key': 'age', 'type': 'number'}]}
    def us(cond):
        return dict(base, conditionSets=[{'key': 'bad', 'type': 'userset', 'conditions': cond}])
    def rs(cond, rt='document'):
        return dict(base, conditionSets=[{'key': 'bad', 'type': 'resourceset', 'resourceType': rt, 'conditions': cond}])
    deep = cmp('user.dept', 'equals', 'x')
    for _ in range(9):
        deep = {'not': deep}
    good_sets = [{'key': 'u', 'type': 'userset', 'conditions': {'allOf': []}},
                 {'key': 'r', 'type': 'resourceset', 'resourceType': 'document', 'conditions': {'allOf': []}}]
    bad = [
        ('unknown root', us(cmp('person.dept', 'equals', 'x'))),
        ('undeclared user attribute', us(cmp('user.team', 'equals', 'x'))),
        ('operator not defined for the type', us(cmp('user.dept', 'greater-than', 'x'))),
        ('operator not defined for number', us(cmp('user.age', 'starts-with', '1'))),
        ('unknown operator', us(cmp('user.dept', 'like', 'x'))),
        ('operand of the wrong type', us(cmp('user.age', 'equals', '5'))),
        ('in needs an array', us(cmp('user.dept', 'in', 'x'))),
        ('exists needs a boolean', us(cmp('user.dept', 'exists', 'yes'))),
        ('ref to a path of another type', us(cmp('user.dept', 'equals', {'ref': 'user.age'}))),
        ('two paths in one comparison', us({'user.dept': {'equals': 'x'}, 'user.age': {'equals': 1}})),
        ('two operators in one comparison', us({'user.dept': {'equals': 'x', 'not-equals': 'y'}})),
        ('allOf must be an array', us({'allOf': cmp('user.dept', 'equals', 'x')})),
        ('a userset cannot read resource.*', us(cmp('resource.level', 'equals', 1))),
        ('a resourceset reads another type', rs(cmp('resource.open', 'equals', True))),
        ('a resourceset compares user.* outside a ref', rs(cmp('user.dept', 'equals', 'x'))),
        ('depth > 8', us(deep)),
        ('> 64 comparisons', us({'anyOf': [cmp('user.age', 'equals', i) for i in range(65)]})),
        ('operand array > 1000', us(cmp('user.age', 'in', list(range(1001))))),
        ('a set over 16 KB', us(cmp('user.dept', 'in', ['x' * 20] * 900))),
        ('time operand that is not a time', dict(base, userAttributes=[{'key': 'since', 'type': 'time'}],
                                                 conditionSets=[{'key': 'bad', 'type': 'userset', 'conditions': cmp('user.since', 'greater-than', 'yesterday')}])),
        ('userset with resourceType', dict(base, conditionSets=[{'key': 'bad', 'type': 'userset', 'resourceType': 'document', 'conditions': {'allOf': []}}])),
        ('resourceset without resourceType', dict(base, conditionSets=[{'key': 'bad', 'type': 'resourceset', 'conditions': {'allOf': []}}])),
        ('resourceset of an unknown type', rs({'allOf': []}, 'nope')),
        ('unknown set type', dict(base, conditionSets=[{'key': 'bad', 'type': 'groupset', 'conditions': {'allOf': []}}])),
        ('unknown field of a set', dict(base, conditionSets=[{'key': 'bad', 'type': 'userset', 'conditions': {'allOf': []}, 'priority': 1}])),
        ('duplicate set key', dict(base, conditionSets=good_sets + [good_sets[0]])),
        ('rule naming a missing set', dict(base, conditionSets=good_sets, conditionSetRules=[{'userSet': 'nope', 'permission': 'document:read', 'resourceSet': 'r'}])),
        ('rule with a resourceset as userSet', dict(base, conditionSets=good_sets, conditionSetRules=[{'userSet': 'r', 'permission': 'document:read', 'resourceSet': 'r'}])),
        ('rule permission on another type', dict(base, conditionSets=good_sets, conditionSetRules=[{'userSet': 'u', 'permission': 'folder:read', 'resourceSet': 'r'}])),
        ('rule permission with an unknown action', dict(base, conditionSets=good_sets, conditionSetRules=[{'userSet': 'u', 'permission': 'document:fly', 'resourceSet': 'r'}])),
        ('the same rule twice', dict(base, conditionSets=good_sets, conditionSetRules=[{'userSet': 'u', 'permission': 'document:read', 'resourceSet': 'r'}] * 2)),
        ('unknown field of a rule', dict(base, conditionSets=good_sets, conditionSetRules=[{'userSet': 'u', 'permission': 'document:read', 'resourceSet': 'r', 'effect': 'deny'}])),
        ('bad user attribute type', dict(base, userAttributes=[{'key': 'x', 'type': 'date'}])),
    ]
    steps = []
    for note, snapshot in bad:
        steps.append({'op': 'load', 'args': [snapshot], 'expectError': 'validation', 'note': f'422: {note}'})
    steps.append({'op': 'check', 'note': 'every rejected snapshot left the policy as it was', 'expect': True,
                  'request': {'user': 'u', 'action': 'read', 'resource': {'type': 'document', 'attributes': {'level': 1}}}})
    policy = dict(base, conditionSets=[{'key': 'all', 'type': 'userset', 'conditions': {'allOf': []}},
                                       {'key': 'low', 'type': 'resourceset', 'resourceType': 'document', 'conditions': cmp('resource.level', 'less-than', 2)}],
                  conditionSetRules=[{'userSet': 'all', 'permission': 'document:read', 'resourceSet': 'low'}])
    return {'description': 'ABAC validation: every 422 of the condition and rule validation list, through a snapshot load; a rejected load changes nothing',
            'policy': policy, 'steps': steps}

def management_vector():
    """The ABAC management API step by step (no conditions in the policy): what the snapshot vectors set up, written
    through users.*Attribute, conditionSets.* and conditionSetRules.*, with 404/409/422, cascades and hostile keys."""
    policy = {
        'resources': [{'key': 'document', 'actions': ['read', 'edit', 'delete'],
                       'attributes': [{'key': 'ownerId', 'type': 'string'}, {'key': 'level', 'type': 'number'}]},
                      {'key': 'folder', 'actions': ['read'], 'attributes': [{'key': 'open', 'type': 'bool'}]}],
        'tenants': [{'key': 'acme'}],
        'users': [{'key': 'alice', 'attributes': {'department': 'engineering'}}],
    }
    engineers = {'key': 'engineers', 'name': 'Engineers', 'type': 'userset', 'conditions': cmp('user.department', 'equals', 'engineering')}
    own = {'key': 'own', 'type': 'resourceset', 'resourceType': 'document', 'conditions': cmp('resource.ownerId', 'equals', {'ref': 'user.key'})}
    low = {'key': 'low', 'type': 'resourceset', 'resourceType': 'document', 'conditions': cmp('resource.level', 'less-than', 2)}
    edit_own = {'userSet': 'engineers', 'permission': 'document:edit', 'resourceSet': 'own'}
    read_low_acme = {'userSet': 'engineers', 'permission': 'document:read', 'resourceSet': 'low', 'tenant': 'acme'}
    doc = lambda attrs: {'type': 'document', 'key': 'd1', 'attributes': attrs}
    def c(user, action, resource, expected, note, tenant=None, explain=None, context=None):
        request = {'user': user, 'action': action, 'resource': resource}
        if tenant:
            request['tenant'] = tenant
        if context is not None:
            request['context'] = context
        step = {'op': 'check', 'note': note, 'request': request, 'expect': expected}
        if explain:
            step['explain'] = explain
        return step
    m = lambda op, args, note=None, **kw: dict({'op': op, 'args': args}, **({'note': note} if note else {}), **kw)
    steps = [
        m('users.listAttributes', [], expect=[], match='exact'),
        m('users.createAttribute', [{'key': 'department', 'type': 'string'}], expect={'key': 'department', 'type': 'string'}, match='exact'),
        m('users.createAttribute', [{'key': 'department', 'type': 'number'}], '409: declared already', expectError='conflict'),
        m('users.createAttribute', [{'key': 'since', 'type': 'date'}], '422: unknown attribute type', expectError='validation'),
        m('users.createAttribute', [{'key': 'x', 'type': 'string', 'extra': 1}], '422: unknown field', expectError='validation'),
        m('users.createAttribute', [{'key': '__proto__', 'type': 'string'}], 'a special key is plain data', expect={'key': '__proto__'}),
        m('users.listAttributes', [], expect=[{'key': '__proto__', 'type': 'string'}, {'key': 'department', 'type': 'string'}], match='exact'),
        m('conditionSets.create', [engineers], expect=engineers, match='exact'),
        m('conditionSets.create', [engineers], '409: the key exists', expectError='conflict'),
        m('conditionSets.create', [own], expect=own, match='exact'),
        m('conditionSets.create', [low], expect={'key': 'low'}),
        m('conditionSets.get', ['engineers'], expect=engineers, match='exact'),
        m('conditionSets.get', ['nope'], '404', expectError='not_found'),
        m('conditionSets.list', [{}], expect={'total': 3, 'page': 1, 'data': [{'key': 'engineers'}, {'key': 'low'}, {'key': 'own'}]}),
        m('conditionSets.list', [{'search': 'OW', 'perPage': 1}], 'search on key and name, paged', expect={'total': 2, 'perPage': 1, 'data': [{'key': 'low'}]}),
        c('alice', 'edit', doc({'ownerId': 'alice'}), F, 'sets alone grant nothing'),
        m('conditionSetRules.create', [edit_own], expect=edit_own, match='exact'),
        m('conditionSetRules.create', [edit_own], '409: an identical rule', expectError='conflict'),
        m('conditionSetRules.create', [dict(edit_own, userSet='nope')], '404: a missing set', expectError='not_found'),
        m('conditionSetRules.create', [dict(edit_own, permission='document:fly')], '422: unknown action', expectError='validation'),
        m('conditionSetRules.create', [dict(edit_own, permission='folder:read')], '422: permission on another type than the resourceset', expectError='validation'),
        m('conditionSetRules.create', [dict(edit_own, userSet='own')], '422: a resourceset as userSet', expectError='validation'),
        m('conditionSetRules.create', [dict(edit_own, effect='deny')], '422: unknown field of a rule', expectError='validation'),
        c('alice', 'edit', doc({'ownerId': 'alice'}), T, 'the rule written through the API decides',
          explain={'reason': 'condition_rule', 'via': {'userSet': 'engineers', 'resourceSet': 'own', 'permission': 'document:edit'}}),
        c('alice', 'edit', doc({'ownerId': 'bob'}), F, 'not the owner'),
        c({'key': 'zed', 'attributes': {'department': 'engineering'}}, 'edit', doc({'ownerId': 'zed'}), T, 'a user known only from the check'),
        m('conditionSetRules.create', [read_low_acme], expect=read_low_acme, match='exact'),
        c('alice', 'read', doc({'level': 1}), T, 'tenant-scoped rule, in its tenant', tenant='acme'),
        c('alice', 'read', doc({'level': 1}), F, 'tenant-scoped rule, another tenant'),
        m('conditionSetRules.list', [{'permission': 'document:read'}], expect={'total': 1, 'data': [read_low_acme]}),
        m('conditionSetRules.list', [{'userSet': 'engineers'}], 'ordered by userSet, resourceSet, permission',
          expect={'total': 2, 'data': [{'resourceSet': 'low'}, {'resourceSet': 'own'}]}),
        m('conditionSets.update', ['engineers', {'conditions': cmp('user.department', 'in', ['engineering', 'research'])}],
          expect={'key': 'engineers', 'name': 'Engineers', 'conditions': {'user.department': {'in': ['engineering', 'research']}}}),
        c({'key': 'r', 'attributes': {'department': 'research'}}, 'edit', doc({'ownerId': 'r'}), T, 'an update is read by the next check'),
        m('conditionSets.update', ['engineers', {'type': 'resourceset'}], '422: type is fixed', expectError='validation'),
        m('conditionSets.update', ['engineers', {'conditions': cmp('user.department', 'greater-than', 'a')}], '422: a bad update', expectError='validation'),
        m('conditionSets.update', ['nope', {'name': 'x'}], '404', expectError='not_found'),
        c({'key': 'r', 'attributes': {'department': 'research'}}, 'edit', doc({'ownerId': 'r'}), T, 'a refused update changed nothing'),
        m('conditionSets.sync', ['engineers', {'type': 'resourceset', 'resourceType': 'document', 'conditions': {'allOf': []}}],
          '409: its rules would not fit', expectError='conflict'),
        m('conditionSets.sync', ['everyone', {'type': 'userset', 'conditions': {'allOf': []}}], 'sync creates',
          expect={'key': 'everyone', 'type': 'userset', 'conditions': {'allOf': []}}, match='exact'),
        m('conditionSets.sync', ['everyone', {'name': 'Everyone', 'type': 'userset', 'conditions': {'allOf': []}}], 'sync replaces',
          expect={'key': 'everyone', 'name': 'Everyone'}),
        m('users.deleteAttribute', ['department'], '409: engineers reads it', expectError='conflict'),
        m('users.deleteAttribute', ['__proto__']),
        m('users.deleteAttribute', ['__proto__'], 'idempotent'),
        m('resources.deleteAttribute', ['document', 'level'], '409: low reads it', expectError='conflict'),
        m('conditionSetRules.delete', [edit_own]),
        m('conditionSetRules.delete', [edit_own], 'idempotent'),
        c('alice', 'edit', doc({'ownerId': 'alice'}), F, 'the deleted rule no longer decides'),
        m('conditionSets.delete', ['engineers'], 'takes its rules with it'),
        m('conditionSets.delete', ['engineers'], 'idempotent'),
        m('conditionSetRules.list', [{}], expect={'total': 0, 'data': []}),
        c('alice', 'read', doc({'level': 1}), F, 'the cascaded rule no longer decides', tenant='acme'),
        m('users.deleteAttribute', ['department'], 'no set reads it any more'),
        m('users.listAttributes', [], expect=[], match='exact'),
        m('conditionSetRules.create', [{'userSet': 'everyone', 'permission': 'document:read', 'resourceSet': 'low'}]),
        m('conditionSetRules.create', [{'userSet': 'everyone', 'permission': 'document:delete', 'resourceSet': 'own'}]),
        c('anyone', 'read', doc({'level': 0}), T, 'everyone may read low documents'),
        m('resources.deleteAction', ['document', 'read'], 'deleting an action deletes the rules on its permission'),
        m('conditionSetRules.list', [{}], expect={'total': 1, 'data': [{'permission': 'document:delete'}]}),
        m('resources.delete', ['document'], 'deleting a type deletes its resourcesets and their rules'),
        m('conditionSets.list', [{}], expect={'total': 1, 'data': [{'key': 'everyone'}]}),
        m('conditionSetRules.list', [{}], expect={'total': 0, 'data': []}),
        m('resources.create', [{'key': 'document', 'actions': ['read'], 'attributes': [{'key': 'level', 'type': 'number'}]}]),
        c('anyone', 'read', doc({'level': 0}), F, 'a re-created type brings nothing back'),
        # hostile keys and paths: plain data or 422, never an allow
        m('conditionSets.create', [{'key': 'proto', 'type': 'userset', 'conditions': {'__proto__': {'equals': 1}}}],
          '422: __proto__ is not a path', expectError='validation'),
        m('conditionSets.create', [{'key': 'proto', 'type': 'userset', 'conditions': {'user.__proto__': {'exists': True}}}],
          '422: user.__proto__ is not declared', expectError='validation'),
        m('conditionSets.create', [{'key': 'proto', 'type': 'userset', 'conditions': {'allOf': [], 'constructor': {}}}],
          '422: two keys in one node', expectError='validation'),
        m('conditionSets.create', [{'key': 'ctx', 'type': 'userset', 'conditions': cmp('context.constructor.name', 'equals', 'Object')}]),
        m('conditionSets.create', [{'key': 'ctx-proto', 'type': 'userset', 'conditions': cmp('context.__proto__.x', 'equals', 1)}]),
        m('conditionSets.create', [{'key': '__proto__', 'type': 'resourceset', 'resourceType': 'document',
                                    'conditions': cmp('resource.level', 'in', ['1', '2'])}],
          '422: numeric-looking strings are not numbers', expectError='validation'),
        m('conditionSets.create', [{'key': '__proto__', 'type': 'resourceset', 'resourceType': 'document', 'conditions': {'allOf': []}}],
          'a set keyed __proto__', expect={'key': '__proto__'}),
        m('conditionSetRules.create', [{'userSet': 'ctx', 'permission': 'document:read', 'resourceSet': '__proto__'}]),
        m('conditionSetRules.create', [{'userSet': 'ctx-proto', 'permission': 'document:read', 'resourceSet': '__proto__'}]),
        c('u', 'read', doc({}), F, 'context.constructor.name never reads the prototype', context={}),
        c('u', 'read', doc({}), T, 'an own constructor key is plain data', context={'constructor': {'name': 'Object'}}),
        c('u', 'read', doc({}), F, 'context.__proto__.x is not Object.prototype', context={'x': 1}),
        c('u', 'read', doc({}), T, 'an own __proto__ key is plain data', context={'__proto__': {'x': 1}}),
        c('u', 'read', doc({}), F, 'a numeric-looking string is not the number', context={'__proto__': {'x': '1'}}),
        m('conditionSets.get', ['__proto__'], expect={'key': '__proto__', 'type': 'resourceset'}),
    ]
    return {'description': 'ABAC management API: user attributes, condition sets and rules written step by step (404/409/422, update/sync, list filters), cascades, hostile keys and paths',
            'policy': policy, 'steps': steps}

def management_validation_vector():
    """Every 422 of the validation list through conditionSets.create (and update/sync), not a snapshot."""
    base = {'resources': [{'key': 'document', 'actions': ['read'], 'attributes': [{'key': 'level', 'type': 'number'}, {'key': 'tags', 'type': 'array'}]},
                          {'key': 'folder', 'actions': ['read'], 'attributes': [{'key': 'open', 'type': 'bool'}]}],
            'userAttributes': [{'key': 'dept', 'type': 'string'}, {'key': 'age', 'type': 'number'}, {'key': 'since', 'type': 'time'}],
            'conditionSets': [{'key': 'all', 'type': 'userset', 'conditions': {'allOf': []}},
                              {'key': 'low', 'type': 'resourceset', 'resourceType': 'document', 'conditions': cmp('resource.level', 'less-than', 2)}],
            'conditionSetRules': [{'userSet': 'all', 'permission': 'document:read', 'resourceSet': 'low'}]}
    us = lambda cond: {'key': 'bad', 'type': 'userset', 'conditions': cond}
    rs = lambda cond, rt='document': {'key': 'bad', 'type': 'resourceset', 'resourceType': rt, 'conditions': cond}
    deep = cmp('user.dept', 'equals', 'x')
    for _ in range(9):
        deep = {'not': deep}
    bad = [
        ('unknown root', us(cmp('person.dept', 'equals', 'x'))),
        ('undeclared user attribute', us(cmp('user.team', 'equals', 'x'))),
        ('operator not defined for the type', us(cmp('user.dept', 'greater-than', 'x'))),
        ('operator not defined for number', us(cmp('user.age', 'starts-with', '1'))),
        ('unknown operator', us(cmp('user.dept', 'like', 'x'))),
        ('operand of the wrong type', us(cmp('user.age', 'equals', '5'))),
        ('in needs an array', us(cmp('user.dept', 'in', 'x'))),
        ('exists needs a boolean', us(cmp('user.dept', 'exists', 'yes'))),
        ('ref to a path of another type', us(cmp('user.dept', 'equals', {'ref': 'user.age'}))),
        ('two paths in one comparison', us({'user.dept': {'equals': 'x'}, 'user.age': {'equals': 1}})),
        ('two operators in one comparison', us({'user.dept': {'equals': 'x', 'not-equals': 'y'}})),
        ('allOf must be an array', us({'allOf': cmp('user.dept', 'equals', 'x')})),
        ('a userset cannot read resource.*', us(cmp('resource.level', 'equals', 1))),
        ('a resourceset reads another type', rs(cmp('resource.open', 'equals', True))),
        ('a resourceset compares user.* outside a ref', rs(cmp('user.dept', 'equals', 'x'))),
        ('depth > 8', us(deep)),
        ('> 64 comparisons', us({'anyOf': [cmp('user.age', 'equals', i) for i in range(65)]})),
        ('operand array > 1000', us(cmp('user.age', 'in', list(range(1001))))),
        ('a set over 16 KB', us(cmp('user.dept', 'in', ['x' * 20] * 900))),
        ('time operand that is not a time', us(cmp('user.since', 'greater-than', 'yesterday'))),
        ('userset with resourceType', {'key': 'bad', 'type': 'userset', 'resourceType': 'document', 'conditions': {'allOf': []}}),
        ('resourceset without resourceType', {'key': 'bad', 'type': 'resourceset', 'conditions': {'allOf': []}}),
        ('resourceset of an unknown type', rs({'allOf': []}, 'nope')),
        ('unknown set type', {'key': 'bad', 'type': 'groupset', 'conditions': {'allOf': []}}),
        ('unknown field of a set', {'key': 'bad', 'type': 'userset', 'conditions': {'allOf': []}, 'priority': 1}),
        ('conditions that are not an object', us([cmp('user.dept', 'equals', 'x')])),
        ('an empty key', dict(us({'allOf': []}), key='')),
    ]
    steps = []
    for note, cset in bad:
        steps.append({'op': 'conditionSets.create', 'args': [cset], 'expectError': 'validation', 'note': f'422: {note}'})
    for note, cset in bad[:20]:
        if cset['type'] != 'userset':
            continue
        steps.append({'op': 'conditionSets.update', 'args': ['all', {'conditions': cset['conditions']}], 'expectError': 'validation',
                      'note': f'422 through update: {note}'})
        steps.append({'op': 'conditionSets.sync', 'args': ['all', {'type': 'userset', 'conditions': cset['conditions']}],
                      'expectError': 'validation', 'note': f'422 through sync: {note}'})
    steps += [
        {'op': 'conditionSets.create', 'args': [base['conditionSets'][0]], 'expectError': 'conflict', 'note': '409: duplicate set key'},
        {'op': 'conditionSetRules.create', 'args': [{'userSet': 'nope', 'permission': 'document:read', 'resourceSet': 'low'}],
         'expectError': 'not_found', 'note': '404: rule naming a missing set'},
        {'op': 'conditionSetRules.create', 'args': [{'userSet': 'low', 'permission': 'document:read', 'resourceSet': 'low'}],
         'expectError': 'validation', 'note': '422: rule with a resourceset as userSet'},
        {'op': 'conditionSetRules.create', 'args': [{'userSet': 'all', 'permission': 'folder:read', 'resourceSet': 'low'}],
         'expectError': 'validation', 'note': '422: rule permission on another type'},
        {'op': 'conditionSetRules.create', 'args': [{'userSet': 'all', 'permission': 'document:fly', 'resourceSet': 'low'}],
         'expectError': 'validation', 'note': '422: rule permission with an unknown action'},
        {'op': 'conditionSetRules.create', 'args': [{'userSet': 'all', 'permission': 'document', 'resourceSet': 'low'}],
         'expectError': 'validation', 'note': '422: a permission without an action'},
        {'op': 'conditionSetRules.create', 'args': [base['conditionSetRules'][0]], 'expectError': 'conflict', 'note': '409: the same rule twice'},
        {'op': 'conditionSetRules.create', 'args': [dict(base['conditionSetRules'][0], effect='deny')],
         'expectError': 'validation', 'note': '422: unknown field of a rule'},
        {'op': 'users.createAttribute', 'args': [{'key': 'x', 'type': 'date'}], 'expectError': 'validation', 'note': '422: bad user attribute type'},
        {'op': 'conditionSets.list', 'args': [{}], 'note': 'every refused write changed nothing',
         'expect': {'total': 2, 'data': [{'key': 'all', 'conditions': {'allOf': []}}, {'key': 'low'}]}},
        {'op': 'check', 'note': 'and the rule still decides', 'expect': True,
         'request': {'user': 'u', 'action': 'read', 'resource': {'type': 'document', 'attributes': {'level': 1}}}},
    ]
    return {'description': 'ABAC validation through the management API: every 422 of the condition and rule validation list on conditionSets.create (and update/sync), 404/409 of rules; a refused write changes nothing',
            'policy': base, 'steps': steps}

def write(name, vector):
    with open(os.path.join(OUT, name), 'w') as fh:
        json.dump(vector, fh, indent=1, ensure_ascii=False)
        fh.write('\n')

write('abac-operators.json', user_vector())
write('abac-resources.json', resource_vector())
write('abac-sources.json', sources_vector())
write('abac-cascades.json', cascades_vector())
write('abac-validation.json', invalid_vector())
write('abac-management.json', management_vector())
write('abac-management-validation.json', management_validation_vector())
