/**
 * Instrumentation (`instrumentation` option): a small interface through
 * which a tracer (`@permissio/opentelemetry`) sees the operations of the
 * client, its request scopes and the adapters' guards — a check, a bulk
 * check, a plan, one HTTP call to a remote PDP — as they start and end, so
 * it can open a span, make it the active one while the operation runs (its
 * PDP and HTTP calls become children) and close it with the outcome.
 *
 * Core depends on no tracing library: it only calls these methods. Nothing
 * here runs when no instrumentation is set (the client and the scopes keep
 * an `undefined` observer, as for `onDecision`). An instrumentation that
 * throws never changes a decision: its errors are swallowed.
 */
import type { DecisionListener, DecisionRoute, DecisionSource } from './decision-events.js';
import type { FetchFunction } from './options.js';
import type { CheckRequest } from './types.js';

/**
 * What is being done: `check` (one decision: `check`/`checkDetailed` of the
 * client or a request scope, the adapters' guards included, cache hits
 * included), `bulk_check` (one `bulkCheck` call to the PDP: the client's, or
 * a request scope's micro-batch), `plan` (one data-filtering plan), `http`
 * (one HTTP request to a remote PDP; each retry is one more).
 */
export type OperationKind = 'check' | 'bulk_check' | 'plan' | 'http';

/** An operation as it starts. Only the fields of its kind are set. */
export interface OperationStart {
  readonly kind: OperationKind;
  /** `check`: the user key (a tracer records it only when asked to: personal data). */
  readonly user?: string;
  /** `check`, `plan`: the action asked. */
  readonly action?: string;
  /** `check`, `plan`: the resource type. */
  readonly resourceType?: string;
  /** `check`, `plan`: the effective tenant, when known. */
  readonly tenant?: string;
  /** `check`: `true` for `checkDetailed` (the decision carries a reason). */
  readonly detailed?: boolean;
  /** `bulk_check`: how many checks the call carries. */
  readonly size?: number;
  /** `check`, `plan`, `bulk_check` through an adapter: the request's route. */
  readonly route?: DecisionRoute;
  /** `http`: the method (`POST`). */
  readonly method?: string;
  /** `http`: the URL's host name, port and path (never the query string or a credential). */
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
}

/** An operation as it ends. */
export interface OperationEnd {
  /** `check`: the decision. */
  readonly allowed?: boolean;
  /** `check`: the decision reason, when explained. */
  readonly reason?: string;
  /** `check`, `plan`: answered by the request scope's memo (or a joined in-flight call), no PDP call. */
  readonly cacheHit?: boolean;
  /** `check`: where the answer came from. */
  readonly source?: DecisionSource;
  /** `bulk_check`: how many of its checks were allowed. */
  readonly allowedCount?: number;
  /** `plan`: `always`, `never` or `conditional`. */
  readonly planKind?: string;
  /** `http`: the response status. */
  readonly status?: number;
  /** The operation failed (no decision): what was thrown. */
  readonly error?: unknown;
}

/** A started operation. */
export interface OperationHandle {
  /**
   * Runs `fn` with this operation as the active one (a tracer makes its
   * span current), so the calls it starts are its children. Must call `fn`
   * exactly once, synchronously, and return what it returns.
   */
  run<T>(fn: () => T): T;
  /** Ends the operation. Called once. */
  end(outcome: OperationEnd): void;
}

/**
 * The instrumentation interface (implemented by `@permissio/opentelemetry`'s
 * `permissioTelemetry()`). Give it to `new Permissio({ instrumentation })`
 * or to an adapter registration.
 */
export interface PermissioInstrumentation {
  /** An operation starts: return its handle, or `undefined` not to follow it. */
  start(operation: OperationStart): OperationHandle | undefined;
  /** Also called for every decision, like `onDecision` (for decision metrics). */
  readonly onDecision?: DecisionListener | undefined;
}

/** The start of a `check` operation for `request` (defensive: the request is not validated yet). */
export function checkOperation(request: CheckRequest, detailed: boolean, route?: DecisionRoute): OperationStart {
  const resource: unknown = request.resource;
  const object = resource !== null && typeof resource === 'object' ? (resource as Record<string, unknown>) : undefined;
  const type = object === undefined ? resource : object.type;
  const own = object?.tenant;
  const tenant = typeof own === 'string' ? own : typeof request.tenant === 'string' ? request.tenant : undefined;
  const user: unknown = request.user;
  const userKey = typeof user === 'string' ? user : (user as { key?: unknown } | null)?.key;
  return {
    kind: 'check',
    ...(typeof userKey === 'string' ? { user: userKey } : {}),
    action: String(request.action),
    resourceType: String(type),
    ...(tenant === undefined ? {} : { tenant }),
    ...(detailed ? { detailed } : {}),
    ...(route === undefined ? {} : { route }),
  };
}

/** The start of a `plan` operation. */
export function planOperation(
  action: string,
  resourceType: string,
  tenant: string | undefined,
  route: DecisionRoute | undefined,
): OperationStart {
  return {
    kind: 'plan',
    action: String(action),
    resourceType: String(resourceType),
    ...(tenant === undefined ? {} : { tenant }),
    ...(route === undefined ? {} : { route }),
  };
}

/** `instrumentation.start(…)`, or undefined when it throws or declines. Never throws. */
export function startOperation(
  instrumentation: PermissioInstrumentation,
  operation: OperationStart,
): OperationHandle | undefined {
  try {
    const handle = instrumentation.start(operation);
    return handle !== null && typeof handle === 'object' ? handle : undefined;
  } catch {
    return undefined;
  }
}

/** `handle.end(outcome)`; never throws. */
export function endOperation(handle: OperationHandle, outcome: OperationEnd): void {
  try {
    handle.end(outcome);
  } catch {
    // Instrumentation never changes a decision.
  }
}

/**
 * `handle.run(fn)`. What `fn` throws propagates; if the instrumentation
 * itself throws without having called `fn`, `fn` runs without it.
 */
export function runOperation<T>(handle: OperationHandle, fn: () => T): T {
  let called = false;
  try {
    return handle.run(() => {
      called = true;
      return fn();
    });
  } catch (error) {
    if (called) throw error;
    return fn();
  }
}

/**
 * Ends `handle` when `answer` settles: `outcome(value)` on success, the
 * error otherwise. Returns `answer` unchanged (the caller's promise).
 */
export function endWhenSettled<T>(
  handle: OperationHandle,
  answer: T | PromiseLike<T>,
  outcome: (value: T) => OperationEnd,
): void {
  Promise.resolve(answer).then(
    (value) => endOperation(handle, outcome(value)),
    (error: unknown) => endOperation(handle, { error }),
  );
}

/** Validates an `instrumentation` option; returns the message of what is wrong, or undefined. */
export function instrumentationProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || typeof (value as { start?: unknown }).start !== 'function') {
    return '"instrumentation" must be an object with a start(operation) method (e.g. permissioTelemetry() from @permissio/opentelemetry).';
  }
  const onDecision = (value as { onDecision?: unknown }).onDecision;
  if (onDecision !== undefined && typeof onDecision !== 'function') {
    return '"instrumentation.onDecision" must be a function (event) => void.';
  }
  return undefined;
}

/**
 * A `fetch` that reports each request as an `http` operation (the transport
 * calls it once per attempt). Only the host, port and path are reported.
 */
export function instrumentedFetch(
  base: FetchFunction | undefined,
  instrumentation: PermissioInstrumentation,
): FetchFunction {
  return function permissioInstrumentedFetch(input, init) {
    const doFetch = base ?? globalThis.fetch;
    let url: URL | undefined;
    try {
      url = new URL(input);
    } catch {
      url = undefined;
    }
    const handle = startOperation(instrumentation, {
      kind: 'http',
      method: init.method ?? 'GET',
      ...(url === undefined
        ? {}
        : {
            host: url.hostname,
            port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
            path: url.pathname,
          }),
    });
    if (handle === undefined) return doFetch(input, init);
    let response: Promise<Response>;
    try {
      response = runOperation(handle, () => doFetch(input, init));
    } catch (error) {
      endOperation(handle, { error });
      throw error;
    }
    endWhenSettled(handle, response, (res) => ({ status: res.status }));
    return response;
  };
}
