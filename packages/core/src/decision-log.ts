/**
 * `createDecisionLog(options)`: an `onDecision` listener that writes one JSON
 * line per sampled decision to a writable stream (anything with
 * `write(string)`) or to a logger (`logger.info(message, record)`), with
 * attribute values masked by key.
 */
import { PermissioValidationError } from './errors.js';
import type { DecisionEvent, DecisionListener } from './decision-events.js';
import type { Logger } from './logger.js';

/** Anything a line can be written to: `process.stdout`, a file stream, a socket. */
export interface DecisionLogWritable {
  write(chunk: string): unknown;
}

/** Options of {@link createDecisionLog}. */
export interface DecisionLogOptions {
  /** Where lines go: a writable (one JSON line per decision) or a logger (`info`, the record as meta). */
  to: DecisionLogWritable | Logger;
  /**
   * Share of decisions logged, per outcome, from 0 (none) to 1 (all).
   * @defaultValue `{ allow: 1, deny: 1 }`
   */
  sample?: { allow?: number; deny?: number };
  /**
   * Attribute keys whose values are replaced by `"[masked]"` (case-insensitive,
   * at any depth) in the user's and the resource's attributes and the context.
   * @defaultValue `[]`
   */
  mask?: readonly string[];
  /**
   * Seed of the sampling's random generator (a deterministic sequence, for
   * tests and reproducible sampling).
   * @defaultValue `Math.random`
   */
  seed?: number;
}

/** The masked value. */
export const MASKED = '[masked]';

/** A small deterministic generator (mulberry32) of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function fail(message: string): never {
  throw new PermissioValidationError(`createDecisionLog: ${message}`, { code: 'INVALID_OPTIONS' });
}

function rate(name: string, value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(`"sample.${name}" must be a number from 0 to 1.`);
  return value;
}

function maskValue(value: unknown, keys: ReadonlySet<string>, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, keys, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = keys.has(key.toLowerCase()) ? MASKED : maskValue(inner, keys, depth + 1);
  }
  return out;
}

/** The event as logged: attributes and context masked. */
export function maskDecision(event: DecisionEvent, keys: ReadonlySet<string>): DecisionEvent {
  if (keys.size === 0) return event;
  const { resource } = event;
  return {
    ...event,
    ...(event.userAttributes === undefined
      ? {}
      : { userAttributes: maskValue(event.userAttributes, keys, 0) as DecisionEvent['userAttributes'] }),
    ...(event.context === undefined ? {} : { context: maskValue(event.context, keys, 0) as DecisionEvent['context'] }),
    resource:
      resource.attributes === undefined
        ? resource
        : { ...resource, attributes: maskValue(resource.attributes, keys, 0) as DecisionEvent['userAttributes'] },
  };
}

function isWritable(value: unknown): value is DecisionLogWritable {
  return value !== null && typeof value === 'object' && typeof (value as { write?: unknown }).write === 'function';
}

function isLogger(value: unknown): value is Logger {
  return value !== null && typeof value === 'object' && typeof (value as { info?: unknown }).info === 'function';
}

/**
 * A decision log for `onDecision`:
 *
 * ```ts
 * const permissio = new Permissio({
 *   pdp: createEngine(policy),
 *   onDecision: createDecisionLog({ to: process.stdout, sample: { allow: 0.01 }, mask: ['email', 'ssn'] }),
 * });
 * ```
 *
 * @throws PermissioValidationError naming the bad option
 */
export function createDecisionLog(options: DecisionLogOptions): DecisionListener {
  if (options === null || typeof options !== 'object') fail('options must be an object { to, sample?, mask?, seed? }.');
  const { to, sample = {}, mask = [], seed } = options;
  if (!isWritable(to) && !isLogger(to)) fail('"to" must be a writable (write(string)) or a logger (info(…)).');
  if (sample === null || typeof sample !== 'object') fail('"sample" must be an object { allow?, deny? }.');
  const allowRate = rate('allow', sample.allow);
  const denyRate = rate('deny', sample.deny);
  if (!Array.isArray(mask) || mask.some((key) => typeof key !== 'string')) fail('"mask" must be an array of keys.');
  if (seed !== undefined && !Number.isFinite(seed)) fail('"seed" must be a finite number.');
  const keys = new Set(mask.map((key) => key.toLowerCase()));
  const random = seed === undefined ? Math.random : seededRandom(seed);
  const write = isWritable(to)
    ? (event: DecisionEvent) => {
        to.write(`${JSON.stringify(event)}\n`);
      }
    : (event: DecisionEvent) => to.info('permissio.decision', event);

  return function decisionLog(event: DecisionEvent): void {
    const share = event.allowed ? allowRate : denyRate;
    if (share < 1 && (share === 0 || random() >= share)) return;
    write(maskDecision(event, keys));
  };
}
