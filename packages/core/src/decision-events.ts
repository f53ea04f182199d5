/**
 * Decision events (`onDecision`): one event per decision the client or a
 * request scope makes, for decision logs, metrics and tracing.
 *
 * Nothing here runs when no listener is set: the client and the scopes keep
 * an `undefined` observer and test it once per decision (no allocation, no
 * clock read). A listener that throws never changes a decision: the error is
 * caught, and reported once per listener through the logger.
 */
import type { PermissioInstrumentation } from './instrumentation.js';
import type { Logger } from './logger.js';
import type { Attributes, CheckContext, CheckRequest, Decision, DecisionVia } from './types.js';

/**
 * Where the answer came from: `cache` (the request scope's memo, or a joined
 * identical in-flight call), `pdp` (one `check`/`checkDetailed` call) or
 * `batch` (one `bulkCheck` call answering several checks).
 */
export type DecisionSource = 'cache' | 'pdp' | 'batch';

/** The route of the request a decision was made for (adapters only): `GET /documents/:id`. */
export interface DecisionRoute {
  /** HTTP method, upper case. */
  readonly method: string;
  /** The route's path template (`/documents/:id`), not the concrete URL. */
  readonly path: string;
}

/** The resource of a decision, as asked. */
export interface DecisionEventResource {
  readonly type: string;
  readonly key?: string;
  readonly uri?: string;
  readonly tenant?: string;
  readonly attributes?: Attributes;
}

/** One decision. */
export interface DecisionEvent {
  /** Unique within the process: `<random prefix>-<counter>`. */
  readonly id: string;
  /** When the decision was answered, epoch milliseconds. */
  readonly timestamp: number;
  /** The user key. */
  readonly user: string;
  /** The user's attributes, when the check carried any. */
  readonly userAttributes?: Attributes;
  readonly action: string;
  readonly resource: DecisionEventResource;
  /** The effective tenant: the resource's, else the check's, else undefined (the PDP's default). */
  readonly tenant?: string;
  /** The check's context, when it carried one. */
  readonly context?: CheckContext;
  readonly allowed: boolean;
  /** The decision reason, when the decision was explained (`checkDetailed`, `exposeReason`). */
  readonly reason?: string;
  /** What granted it, when explained and allowed. */
  readonly via?: DecisionVia;
  readonly source: DecisionSource;
  /** Time from the question to the answer, in milliseconds (fractional). */
  readonly latencyMs: number;
  /** The request's route, when the decision came through a framework adapter and the route is known. */
  readonly route?: DecisionRoute;
  /** The PDP's policy revision the decision was made at, when the PDP reports it. */
  readonly revision?: string | number;
}

/** A decision listener. Its return value is ignored; what it throws is caught. */
export type DecisionListener = (event: DecisionEvent) => void;

/**
 * Delivers events to one listener; reports (once) a listener that throws.
 * One per client or adapter registration.
 */
export class DecisionSink {
  readonly #listener: DecisionListener;
  readonly #logger: Logger | undefined;
  readonly #where: string;
  #reported = false;

  constructor(listener: DecisionListener, logger: Logger | undefined, where: string) {
    this.#listener = listener;
    this.#logger = logger;
    this.#where = where;
  }

  /** Whether this sink calls `listener`. */
  delivers(listener: DecisionListener): boolean {
    return this.#listener === listener;
  }

  deliver(event: DecisionEvent): void {
    try {
      this.#listener(event);
    } catch (error) {
      if (this.#reported) return;
      this.#reported = true;
      const message = error instanceof Error ? error.message : String(error);
      (this.#logger ?? console).error(
        `[permissio] ${this.#where}: the onDecision listener threw (${message}); decisions are unaffected. Reported once.`,
      );
    }
  }
}

/**
 * What a request scope reports its decisions to: the client's sink, the
 * adapter registration's sink, and the request's route (read when an event
 * is built, so a route matched after the scope was created still counts).
 */
export interface DecisionObserver {
  readonly sinks: readonly DecisionSink[];
  readonly route?: (() => DecisionRoute | undefined) | undefined;
  /** Where operations are reported (spans), when an `instrumentation` is set. */
  readonly instrumentation?: PermissioInstrumentation | undefined;
}

const PREFIX = Math.floor(Math.random() * 0x1_0000_0000)
  .toString(36)
  .padStart(7, '0');
let counter = 0;

/** A process-unique decision id. */
export function nextDecisionId(): string {
  counter++;
  return `${PREFIX}-${counter.toString(36)}`;
}

const clock: { now(): number } = globalThis.performance ?? Date;

/** A monotonic timestamp in ms, for latencies. */
export function now(): number {
  return clock.now();
}

/** The observer's route, or undefined (never throws). */
export function readRoute(observer: DecisionObserver): DecisionRoute | undefined {
  const route = observer.route;
  if (route === undefined) return undefined;
  try {
    return route();
  } catch {
    return undefined;
  }
}

/** Builds the event of an answered check and delivers it. Never throws. */
export function emitDecision(
  observer: DecisionObserver,
  request: CheckRequest,
  allowed: boolean,
  source: DecisionSource,
  start: number,
  decision?: Decision,
): void {
  // An instrumentation without onDecision observes operations, not events: build none.
  if (observer.sinks.length === 0) return;
  try {
    const latencyMs = now() - start;
    const { user, resource } = request;
    const res: DecisionEventResource =
      typeof resource === 'string'
        ? { type: resource }
        : {
            type: resource.type,
            ...(resource.key === undefined ? {} : { key: resource.key }),
            ...(resource.uri === undefined ? {} : { uri: resource.uri }),
            ...(resource.tenant === undefined ? {} : { tenant: resource.tenant }),
            ...(resource.attributes === undefined ? {} : { attributes: resource.attributes }),
          };
    const tenant = res.tenant ?? request.tenant ?? undefined;
    const userAttributes = typeof user === 'string' ? undefined : user.attributes;
    const route = readRoute(observer);
    const revision = (decision as { revision?: unknown } | undefined)?.revision;
    const event: DecisionEvent = {
      id: nextDecisionId(),
      timestamp: Date.now(),
      user: typeof user === 'string' ? user : user.key,
      ...(userAttributes === undefined ? {} : { userAttributes }),
      action: request.action,
      resource: res,
      ...(tenant === undefined ? {} : { tenant }),
      ...(request.context === undefined ? {} : { context: request.context }),
      allowed,
      ...(decision === undefined ? {} : { reason: decision.reason }),
      ...(decision?.via === undefined ? {} : { via: decision.via }),
      source,
      latencyMs,
      ...(route === undefined ? {} : { route }),
      ...(typeof revision === 'string' || typeof revision === 'number' ? { revision } : {}),
    };
    for (const sink of observer.sinks) sink.deliver(event);
  } catch {
    // Building an event must never change a decision.
  }
}

function ignore(): void {}

/**
 * Emits when a pending answer settles (nothing on a rejection: a failure is
 * not a decision). The caller keeps the original promise.
 */
export function emitWhenSettled(
  observer: DecisionObserver,
  request: CheckRequest,
  answer: PromiseLike<boolean>,
  source: DecisionSource,
  start: number,
): void {
  if (observer.sinks.length === 0) return;
  Promise.resolve(answer).then((allowed) => {
    if (typeof allowed === 'boolean') emitDecision(observer, request, allowed, source, start);
  }, ignore);
}

/**
 * Key of the client's decision observer (its `onDecision` sink), read by the
 * request scopes it creates. Not part of the public API.
 * @internal
 */
export const CLIENT_OBSERVER: unique symbol = Symbol('@permissio/core.Permissio.observer');
