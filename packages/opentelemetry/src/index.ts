/**
 * `@permissio/opentelemetry`: OpenTelemetry spans and metrics for Permissio,
 * through `@opentelemetry/api` only (a peer dependency; bring your own SDK).
 * `permissioTelemetry()` returns the `instrumentation` of a `Permissio`
 * client or of an adapter registration:
 *
 * ```ts
 * import { permissioTelemetry } from '@permissio/opentelemetry';
 * const permissio = new Permissio({ pdp: createEngine(policy), instrumentation: permissioTelemetry() });
 * ```
 *
 * Every check (the adapters' guards included), bulk check, plan and HTTP
 * call to a remote PDP becomes a span, started under the active context
 * (the framework's request span under an adapter) and made active while it
 * runs, so a check's PDP and HTTP calls are its children. Decisions are
 * counted and timed, PDP calls timed. The names are listed in README.md.
 */
import {
  type Attributes,
  type Context,
  type Counter,
  context,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type {
  DecisionEvent,
  OperationEnd,
  OperationHandle,
  OperationKind,
  OperationStart,
  PermissioInstrumentation,
} from '@permissio/core';

/** The instrumentation scope name of tracer and meter. */
export const INSTRUMENTATION_NAME = '@permissio/opentelemetry';

/** Span names, by operation. */
export const SPAN_NAMES = {
  check: 'permissio.check',
  bulk_check: 'permissio.bulk_check',
  plan: 'permissio.plan',
  http: 'permissio.http',
} as const satisfies Record<OperationKind, string>;

/** Attribute names. */
export const ATTRIBUTES = {
  action: 'permissio.action',
  resourceType: 'permissio.resource.type',
  decision: 'permissio.decision',
  reason: 'permissio.reason',
  cacheHit: 'permissio.cache_hit',
  source: 'permissio.source',
  tenant: 'permissio.tenant',
  user: 'permissio.user',
  detailed: 'permissio.detailed',
  bulkSize: 'permissio.bulk_check.size',
  bulkAllowed: 'permissio.bulk_check.allowed',
  planKind: 'permissio.plan.kind',
  operation: 'permissio.operation',
  httpRoute: 'http.route',
  httpMethod: 'http.request.method',
  httpStatus: 'http.response.status_code',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  urlPath: 'url.path',
  errorType: 'error.type',
} as const;

/** Metric names. */
export const METRICS = {
  decisions: 'permissio.decisions',
  decisionDuration: 'permissio.decision.duration',
  pdpDuration: 'permissio.pdp.duration',
} as const;

/** Options of {@link permissioTelemetry}. */
export interface PermissioTelemetryOptions {
  /** @defaultValue the global tracer provider (`trace.getTracerProvider()`) */
  tracerProvider?: TracerProvider;
  /** @defaultValue the global meter provider (`metrics.getMeterProvider()`) */
  meterProvider?: MeterProvider;
  /** Record spans. @defaultValue true */
  spans?: boolean;
  /** Record metrics. @defaultValue true */
  metrics?: boolean;
  /** Put the user key on check spans (`permissio.user`): personal data, off unless you opt in. @defaultValue false */
  recordUser?: boolean;
}

interface Instruments {
  decisions: Counter;
  decisionDuration: Histogram;
  pdpDuration: Histogram;
}

function instruments(meter: Meter): Instruments {
  return {
    decisions: meter.createCounter(METRICS.decisions, {
      description: 'Authorization decisions, by decision, source and reason.',
    }),
    decisionDuration: meter.createHistogram(METRICS.decisionDuration, {
      description: 'Time from an authorization question to its answer, cache hits included.',
      unit: 'ms',
    }),
    pdpDuration: meter.createHistogram(METRICS.pdpDuration, {
      description: 'Time of one call to the PDP (check, bulk check or plan; cache hits make none).',
      unit: 'ms',
    }),
  };
}

function startAttributes(operation: OperationStart, recordUser: boolean): Attributes {
  const attributes: Attributes = {};
  if (operation.action !== undefined) attributes[ATTRIBUTES.action] = operation.action;
  if (operation.resourceType !== undefined) attributes[ATTRIBUTES.resourceType] = operation.resourceType;
  if (operation.tenant !== undefined) attributes[ATTRIBUTES.tenant] = operation.tenant;
  if (operation.detailed === true) attributes[ATTRIBUTES.detailed] = true;
  if (operation.size !== undefined) attributes[ATTRIBUTES.bulkSize] = operation.size;
  if (recordUser && operation.user !== undefined) attributes[ATTRIBUTES.user] = operation.user;
  if (operation.route !== undefined) {
    attributes[ATTRIBUTES.httpRoute] = operation.route.path;
    attributes[ATTRIBUTES.httpMethod] = operation.route.method;
  }
  if (operation.kind === 'http') {
    if (operation.method !== undefined) attributes[ATTRIBUTES.httpMethod] = operation.method;
    if (operation.host !== undefined) attributes[ATTRIBUTES.serverAddress] = operation.host;
    if (operation.port !== undefined) attributes[ATTRIBUTES.serverPort] = operation.port;
    if (operation.path !== undefined) attributes[ATTRIBUTES.urlPath] = operation.path;
  }
  return attributes;
}

/** `error.type`: the error's code (`PermissioError`), else its name. */
function errorType(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && code.length > 0 ? code : error.name;
  }
  return '_OTHER';
}

function endSpan(span: Span, kind: OperationKind, outcome: OperationEnd): void {
  if (outcome.allowed !== undefined) span.setAttribute(ATTRIBUTES.decision, outcome.allowed ? 'allow' : 'deny');
  if (outcome.reason !== undefined) span.setAttribute(ATTRIBUTES.reason, outcome.reason);
  if (outcome.cacheHit !== undefined) span.setAttribute(ATTRIBUTES.cacheHit, outcome.cacheHit);
  if (outcome.source !== undefined) span.setAttribute(ATTRIBUTES.source, outcome.source);
  if (outcome.allowedCount !== undefined) span.setAttribute(ATTRIBUTES.bulkAllowed, outcome.allowedCount);
  if (outcome.planKind !== undefined) span.setAttribute(ATTRIBUTES.planKind, outcome.planKind);
  if (outcome.status !== undefined) {
    span.setAttribute(ATTRIBUTES.httpStatus, outcome.status);
    // HTTP client semantic conventions: a 4xx or 5xx answer is an error.
    if (kind === 'http' && outcome.status >= 400) {
      span.setAttribute(ATTRIBUTES.errorType, String(outcome.status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  if ('error' in outcome) {
    // A deny is an answer, not an error; a failure (no decision) is.
    span.setAttribute(ATTRIBUTES.errorType, errorType(outcome.error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: outcome.error instanceof Error ? outcome.error.message : 'failed',
    });
  }
  span.end();
}

/** Whether an ended operation was one call to the PDP (its duration goes to `permissio.pdp.duration`). */
function isPdpCall(kind: OperationKind, outcome: OperationEnd): boolean {
  if (kind === 'bulk_check') return true;
  if (kind === 'plan') return outcome.cacheHit !== true;
  if (kind === 'check') return 'error' in outcome || outcome.source === 'pdp';
  return false;
}

const clock: { now(): number } = globalThis.performance ?? Date;

/**
 * The instrumentation recording spans and metrics: pass it as
 * `instrumentation` to `new Permissio(…)` or to an adapter registration.
 * It never throws into a decision (and cannot change one).
 */
export function permissioTelemetry(options: PermissioTelemetryOptions = {}): PermissioInstrumentation {
  const withSpans = options.spans ?? true;
  const withMetrics = options.metrics ?? true;
  const recordUser = options.recordUser ?? false;
  const tracer: Tracer | undefined = withSpans
    ? (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME)
    : undefined;
  const recorders: Instruments | undefined = withMetrics
    ? instruments((options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME))
    : undefined;

  function start(operation: OperationStart): OperationHandle | undefined {
    const kind = operation.kind;
    const timed = recorders !== undefined && kind !== 'http';
    if (tracer === undefined && !timed) return undefined;
    const began = timed ? clock.now() : 0;
    const parent = context.active();
    const span =
      tracer === undefined
        ? undefined
        : tracer.startSpan(
            SPAN_NAMES[kind],
            {
              kind: kind === 'http' ? SpanKind.CLIENT : SpanKind.INTERNAL,
              attributes: startAttributes(operation, recordUser),
            },
            parent,
          );
    const active: Context | undefined = span === undefined ? undefined : trace.setSpan(parent, span);
    return {
      run: active === undefined ? (fn) => fn() : (fn) => context.with(active, fn),
      end(outcome) {
        if (span !== undefined) endSpan(span, kind, outcome);
        if (timed && recorders !== undefined && isPdpCall(kind, outcome)) {
          const labels: Attributes = { [ATTRIBUTES.operation]: kind };
          if ('error' in outcome) labels[ATTRIBUTES.errorType] = errorType(outcome.error);
          recorders.pdpDuration.record(clock.now() - began, labels);
        }
      },
    };
  }

  const instrumentation: PermissioInstrumentation = { start };
  if (recorders === undefined) return instrumentation;
  return {
    start,
    onDecision(event: DecisionEvent): void {
      const labels: Attributes = {
        [ATTRIBUTES.decision]: event.allowed ? 'allow' : 'deny',
        [ATTRIBUTES.source]: event.source,
      };
      if (event.reason !== undefined) labels[ATTRIBUTES.reason] = event.reason;
      recorders.decisions.add(1, labels);
      recorders.decisionDuration.record(event.latencyMs, { [ATTRIBUTES.source]: event.source });
    },
  };
}
