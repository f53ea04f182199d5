/**
 * What a recorder assertion looks for, and how recorded decisions are
 * described in an assertion's message.
 */
import { DEFAULT_TENANT, type DecisionEvent } from '@permissio/core';

/**
 * A decision to look for; every field given must match, the rest is ignored.
 * `resource` is a type (`"document"`), `"<type>:<key>"`, or an object whose
 * given fields must match. `tenant: "default"` also matches a check that named no tenant.
 */
export interface DecisionMatch {
  user?: string;
  action?: string;
  resource?: string | { type?: string; key?: string; uri?: string; tenant?: string };
  tenant?: string;
  /** Only decisions through the route `GET /documents/:id` (adapters report the route template). */
  route?: string;
}

function resourceMatches(event: DecisionEvent, resource: NonNullable<DecisionMatch['resource']>): boolean {
  const r = event.resource;
  if (typeof resource === 'string') {
    const colon = resource.indexOf(':');
    if (colon < 0) return r.type === resource;
    return r.type === resource.slice(0, colon) && r.key === resource.slice(colon + 1);
  }
  return (
    (resource.type === undefined || r.type === resource.type) &&
    (resource.key === undefined || r.key === resource.key) &&
    (resource.uri === undefined || r.uri === resource.uri) &&
    (resource.tenant === undefined || r.tenant === resource.tenant)
  );
}

/** Whether `event` matches every field of `match`. */
export function matches(event: DecisionEvent, match: DecisionMatch): boolean {
  if (match.user !== undefined && event.user !== match.user) return false;
  if (match.action !== undefined && event.action !== match.action) return false;
  if (match.tenant !== undefined && (event.tenant ?? DEFAULT_TENANT) !== match.tenant) return false;
  if (match.resource !== undefined && !resourceMatches(event, match.resource)) return false;
  if (match.route !== undefined) {
    const route = event.route === undefined ? undefined : `${event.route.method} ${event.route.path}`;
    if (route !== match.route) return false;
  }
  return true;
}

/** Throws a TypeError when `match` is not a {@link DecisionMatch}. */
export function assertMatch(match: unknown, where: string): asserts match is DecisionMatch {
  if (match === null || typeof match !== 'object' || Array.isArray(match)) {
    throw new TypeError(`@permissio/testing: ${where} expects a match like {user: "alice", action: "read"}.`);
  }
  const known = new Set(['user', 'action', 'resource', 'tenant', 'route']);
  for (const key of Object.keys(match)) {
    if (!known.has(key)) {
      throw new TypeError(
        `@permissio/testing: ${where}: unknown match field "${key}"; use user, action, resource, tenant or route.`,
      );
    }
  }
}

/** `{user: "bob", action: "write"}`, as written in a test. */
export function describeMatch(match: DecisionMatch): string {
  const parts = Object.entries(match)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `{${parts.join(', ')}}`;
}

function describeResource(event: DecisionEvent): string {
  const r = event.resource;
  if (r.key !== undefined) return `${r.type}:${r.key}`;
  if (r.uri !== undefined) return `${r.type} ${r.uri}`;
  return r.type;
}

/** One line per decision: `allowed  alice read document:doc-1 (tenant acme, GET /documents/:id)`. */
export function describeEvent(event: DecisionEvent): string {
  const extra = [
    event.tenant === undefined ? undefined : `tenant ${event.tenant}`,
    event.reason,
    event.route === undefined ? undefined : `${event.route.method} ${event.route.path}`,
  ].filter((part) => part !== undefined);
  const outcome = event.allowed ? 'allowed' : 'denied ';
  return `${outcome} ${event.user} ${event.action} ${describeResource(event)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

const LISTED = 30;

/** The recorded decisions, numbered, for an assertion message. */
export function describeEvents(events: readonly DecisionEvent[]): string {
  if (events.length === 0) return 'No decisions were recorded.';
  const lines = events.slice(0, LISTED).map((event, i) => `  ${i + 1}. ${describeEvent(event)}`);
  if (events.length > LISTED) lines.push(`  … and ${events.length - LISTED} more`);
  return `Recorded decisions (${events.length}):\n${lines.join('\n')}`;
}
