/**
 * The attribute (ABAC) rows of the matrix: the resource resolver returns a
 * database row's attributes, the user resolver returns claims as
 * `CheckUser.attributes`, and both reach the decision through core's shared
 * adapter code in every framework. The fixture's two condition set rules:
 * owners may `write` their documents; engineers may `read` `public` ones.
 * Resolvers that throw or answer malformed attributes fail closed.
 */
import { CLAIMS_HEADER, TENANT_HEADER, USER_HEADER } from './fixture.js';
import type { Scenario } from './scenarios.js';
import type { TestRequest } from './types.js';

/** Headers of `user` in acme, with `claims` as the `x-claims` header (raw text, so malformed JSON can be sent). */
function caller(user: string, claims?: unknown, raw?: string): Record<string, string> {
  const headers: Record<string, string> = { [USER_HEADER]: user, [TENANT_HEADER]: 'acme' };
  if (raw !== undefined) headers[CLAIMS_HEADER] = raw;
  else if (claims !== undefined) headers[CLAIMS_HEADER] = JSON.stringify(claims);
  return headers;
}

const ENGINEER = { department: 'engineering' };

const read = (id: string, headers: Record<string, string>): TestRequest => ({
  method: 'GET',
  path: `/records/${id}`,
  headers,
});
const edit = (id: string, headers: Record<string, string>): TestRequest => ({
  method: 'POST',
  path: `/records/${id}`,
  headers,
});

export const ABAC_SCENARIOS: readonly Scenario[] = [
  // --- owners may edit their own documents (resource attributes from the resolver)
  {
    name: 'abac: an owner edits their own document (async resolver returning attributes)',
    variant: 'default',
    // bob is only a viewer in acme: the condition rule allows.
    request: edit('rec-public', caller('bob')),
    expect: { status: 200, pdpCalls: 1, body: { ok: true, id: 'rec-public' } },
  },
  {
    name: 'abac: another user may not edit it',
    variant: 'default',
    request: edit('rec-erin', caller('bob')),
    expect: { status: 403, pdpCalls: 1 },
  },
  {
    name: 'abac: a user with no role anywhere edits the document they own',
    variant: 'default',
    request: edit('rec-erin', caller('erin')),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'abac: owner rule with async user and tenant resolvers',
    variant: 'asyncResolvers',
    request: edit('rec-public', caller('bob')),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'abac: non-owner denied, reason exposed',
    variant: 'exposeReason',
    request: edit('rec-public', caller('dave')),
    expect: { status: 403, body: { reason: 'no_matching_grant' } },
  },
  // --- classification: user attributes from the claims, resource attributes from the row
  {
    name: 'abac: an engineer (claims) reads a public document',
    variant: 'default',
    // dave holds nothing on /records: only the claims and the row's classification decide.
    request: read('rec-public', caller('dave', ENGINEER)),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'abac: an engineer may not read a secret document',
    variant: 'default',
    request: read('rec-secret', caller('dave', ENGINEER)),
    expect: { status: 403, pdpCalls: 1 },
  },
  {
    name: 'abac: without the department claim the public document is denied',
    variant: 'default',
    request: read('rec-public', caller('dave')),
    expect: { status: 403, pdpCalls: 1 },
  },
  {
    name: 'abac: another department is denied',
    variant: 'default',
    request: read('rec-public', caller('dave', { department: 'sales' })),
    expect: { status: 403, pdpCalls: 1 },
  },
  {
    name: 'abac: a user known only from the token matches from its claims',
    variant: 'default',
    request: read('rec-public', caller('frank', ENGINEER)),
    expect: { status: 200, pdpCalls: 1 },
  },
  // --- fail closed
  {
    name: 'abac: a resource resolver whose load throws → 403 resolver_failed, no PDP call',
    variant: 'exposeReason',
    request: read('rec-down', caller('dave', ENGINEER)),
    expect: { status: 403, pdpCalls: 0, body: { reason: 'resolver_failed' } },
  },
  {
    name: 'abac: a resolver answering non-record attributes → 403 invalid_resource, no PDP call',
    variant: 'exposeReason',
    request: { method: 'GET', path: '/malformed-records/rec-public', headers: caller('alice', ENGINEER) },
    expect: { status: 403, pdpCalls: 0, body: { reason: 'invalid_resource' } },
  },
  {
    name: 'abac: claims that are not a record → 401 (anonymous), no PDP call',
    variant: 'default',
    // alice is an editor: without the fix her role would have allowed.
    request: read('rec-public', caller('alice', 'engineering')),
    expect: { status: 401, pdpCalls: 0 },
  },
  {
    name: 'abac: claims that are an array → 401',
    variant: 'default',
    request: read('rec-public', caller('alice', ['engineering'])),
    expect: { status: 401, pdpCalls: 0 },
  },
  {
    name: 'abac: a user resolver that throws on unreadable claims → 401',
    variant: 'default',
    request: read('rec-public', caller('alice', undefined, '{not json')),
    expect: { status: 401, pdpCalls: 0 },
  },
  // --- the same answers from the real server over HTTP
  {
    name: 'abac over HTTP: an owner edits their own document',
    variant: 'http',
    request: edit('rec-public', caller('bob')),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'abac over HTTP: another user may not',
    variant: 'http',
    request: edit('rec-erin', caller('bob')),
    expect: { status: 403, pdpCalls: 1 },
  },
  {
    name: 'abac over HTTP: an engineer reads a public document',
    variant: 'http',
    request: read('rec-public', caller('dave', ENGINEER)),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'abac over HTTP: an engineer may not read a secret document',
    variant: 'http',
    request: read('rec-secret', caller('dave', ENGINEER)),
    expect: { status: 403, pdpCalls: 1 },
  },
  {
    name: 'abac over HTTP: non-record resource attributes → 403, never sent to the PDP',
    variant: 'http',
    request: { method: 'GET', path: '/malformed-records/rec-public', headers: caller('alice') },
    expect: { status: 403, pdpCalls: 0 },
  },
  {
    name: 'abac over HTTP: non-record claims → 401, never sent to the PDP',
    variant: 'http',
    request: read('rec-public', caller('alice', 42)),
    expect: { status: 401, pdpCalls: 0 },
  },
];
