/**
 * The fixed scenario: the requests the demo sends to every example, and the
 * matrix each example's e2e test runs. One list, so the four frameworks are
 * held to the same answers.
 */
import type { DemoUserName } from './policy.js';

export interface ScenarioStep {
  /** Short label shown in the demo table. */
  readonly label: string;
  /** Who sends it (a demo token is minted for them), or null for no token. */
  readonly as: DemoUserName | null;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: Record<string, unknown>;
  /** The status the policy implies. */
  readonly expected: number;
  /** Why, in a few words. */
  readonly why: string;
}

export const SCENARIO: readonly ScenarioStep[] = [
  {
    label: 'alice reads doc-1',
    as: 'alice',
    method: 'GET',
    path: '/documents/doc-1',
    expected: 200,
    why: 'editor ⊃ viewer in acme',
  },
  {
    label: 'alice edits doc-1',
    as: 'alice',
    method: 'PUT',
    path: '/documents/doc-1',
    body: { title: 'Roadmap v2' },
    expected: 200,
    why: 'editor in acme',
  },
  {
    label: 'alice deletes doc-1',
    as: 'alice',
    method: 'DELETE',
    path: '/documents/doc-1',
    expected: 403,
    why: 'delete needs admin',
  },
  { label: 'bob lists documents', as: 'bob', method: 'GET', path: '/documents', expected: 200, why: 'viewer in acme' },
  {
    label: 'bob edits doc-1',
    as: 'bob',
    method: 'PUT',
    path: '/documents/doc-1',
    body: { title: 'nope' },
    expected: 403,
    why: 'viewer only',
  },
  {
    label: 'bob edits doc-2',
    as: 'bob',
    method: 'PUT',
    path: '/documents/doc-2',
    body: { title: 'Budget v2' },
    expected: 200,
    why: 'editor on doc-2 (instance role)',
  },
  {
    label: 'carol reads doc-1',
    as: 'carol',
    method: 'GET',
    path: '/documents/doc-1',
    expected: 403,
    why: "doc-1 is acme's, carol is globex",
  },
  {
    label: 'carol reads doc-3',
    as: 'carol',
    method: 'GET',
    path: '/documents/doc-3',
    expected: 200,
    why: 'admin in globex',
  },
  {
    label: 'dave edits p1/doc-1',
    as: 'dave',
    method: 'PUT',
    path: '/projects/p1/documents/doc-1',
    body: { body: 'Q3: ship it (dave)' },
    expected: 200,
    why: 'editor on /projects/p1 (URI role)',
  },
  {
    label: 'dave reads p2/doc-2',
    as: 'dave',
    method: 'GET',
    path: '/projects/p2/documents/doc-2',
    expected: 403,
    why: 'no grant on /projects/p2',
  },
  // Attribute rules (ABAC): doc-4 is bob's and public; doc-2 is secret; dave and carol are engineers.
  {
    label: 'bob edits his own doc-4',
    as: 'bob',
    method: 'PUT',
    path: '/documents/doc-4',
    body: { title: 'Expense policy v2' },
    expected: 200,
    why: 'owner (condition rule)',
  },
  {
    label: "dave edits bob's doc-4",
    as: 'dave',
    method: 'PUT',
    path: '/documents/doc-4',
    body: { title: 'nope' },
    expected: 403,
    why: 'not the owner',
  },
  {
    label: 'dave reads public doc-4',
    as: 'dave',
    method: 'GET',
    path: '/documents/doc-4',
    expected: 200,
    why: 'engineer, public (condition rule)',
  },
  {
    label: 'dave reads secret doc-2',
    as: 'dave',
    method: 'GET',
    path: '/documents/doc-2',
    expected: 403,
    why: 'engineer, but doc-2 is secret',
  },
  {
    label: 'carol reads public doc-4',
    as: 'carol',
    method: 'GET',
    path: '/documents/doc-4',
    expected: 403,
    why: 'engineer of another tenant',
  },
  {
    label: 'no token reads doc-1',
    as: null,
    method: 'GET',
    path: '/documents/doc-1',
    expected: 401,
    why: 'no bearer token',
  },
];
