/**
 * Reading a service request. REST bodies and queries and gRPC messages arrive
 * as the same snake_case objects; proto3 cannot tell an empty string or an
 * empty list from an absent one, so here neither can REST: `""` and `[]` are
 * "not given".
 */
import { parsePermission } from '@permissio/core/internal';
import { invalidArgument } from './codes.js';

/** A request, snake_case fields. */
export type ServiceInput = Record<string, unknown>;

/** An optional string field (`""` → absent); INVALID_ARGUMENT for another type. */
export function optionalString(input: ServiceInput, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidArgument(`${field} must be a string.`);
  return value;
}

/** A required, non-empty string field. */
export function requiredString(input: ServiceInput, field: string): string {
  const value = optionalString(input, field);
  if (value === undefined) throw invalidArgument(`${field} is required.`);
  return value;
}

/** An optional list of strings (absent → `[]`). */
export function stringList(input: ServiceInput, field: string): string[] {
  const value = input[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw invalidArgument(`${field} must be a list of non-empty strings.`);
  }
  return value as string[];
}

/** `limit`: 1–100, default 10 (a REST query gives it as a string). */
export function pageLimit(input: ServiceInput): number {
  const raw = input.limit;
  if (raw === undefined || raw === null || raw === '' || raw === 0) return 10;
  const value = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) {
    throw invalidArgument('limit must be an integer from 1 to 100.');
  }
  return value;
}

/** `cursor` of an offset-paged list (the page number, as the previous answer's `next_cursor` gave it). */
export function pageCursor(input: ServiceInput): number {
  const cursor = optionalString(input, 'cursor');
  if (cursor === undefined) return 1;
  if (!/^[1-9]\d{0,8}$/.test(cursor)) throw invalidArgument('cursor must be a next_cursor of a previous answer.');
  return Number(cursor);
}

/**
 * A permission name as the engine writes it, `<type>:<action>`; the service's
 * dotted style (`document.read`, `billing.invoice.create`) is split on the
 * last dot. INVALID_ARGUMENT naming the field when it is neither.
 */
export function enginePermission(name: string, field = 'permissions'): string {
  try {
    const { type, action } = parsePermission(name);
    return `${type}:${action}`;
  } catch {
    throw invalidArgument(
      `${field}: ${JSON.stringify(name.slice(0, 100))} is not a permission; write "<resource>.<action>" ` +
        '(e.g. "document.read") or "<resource>:<action>".',
    );
  }
}

/**
 * An engine permission `<type>:<action>` as the service writes it: dotted,
 * `document.read` — unless the action itself has a dot (then dotted would
 * split elsewhere, and the colon form is kept).
 */
export function servicePermission(name: string): string {
  const colon = name.indexOf(':');
  if (colon === -1) return name;
  const action = name.slice(colon + 1);
  return action.includes('.') ? name : `${name.slice(0, colon)}.${action}`;
}
