/**
 * `@permissio/opentelemetry`: OpenTelemetry spans and metrics for Permissio
 * decisions, through `@opentelemetry/api` only (a peer dependency; bring your
 * own SDK). `permissioTelemetry()` returns an `onDecision` listener for the
 * `Permissio` client or any adapter registration:
 *
 * ```ts
 * import { permissioTelemetry } from '@permissio/opentelemetry';
 * const permissio = new Permissio({ pdp: createEngine(policy), onDecision: permissioTelemetry() });
 * ```
 *
 * Each decision becomes a span (`permissio.check`, or `permissio.bulk_check`
 * for a check answered by a bulk call) timed from the question to the answer,
 * a child of the span active when the answer arrived (the framework's request
 * span under an adapter), plus a decision counter and duration histograms.
 * The names are listed in README.md.
 */
import {
  type Attributes,
  type Counter,
  context,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  SpanKind,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { DecisionEvent, DecisionListener } from '@permissio/core';

/** The instrumentation scope name of tracer and meter. */
export const INSTRUMENTATION_NAME = '@permissio/opentelemetry';

/** Span names. `permissio.plan` is reserved for data-filtering plans. */
export const SPAN_NAMES = {
  check: 'permissio.check',
  bulkCheck: 'permissio.bulk_check',
  plan: 'permissio.plan',
} as const;

/** Attribute names. */
export const ATTRIBUTES = {
  action: 'permissio.action',
  resourceType: 'permissio.resource.type',
  decision: 'permissio.decision',
  reason: 'permissio.reason',
  cacheHit: 'permissio.cache_hit',
  source: 'permissio.source',
  tenant: 'permissio.tenant',
  decisionId: 'permissio.decision.id',
  user: 'permissio.user',
  httpRoute: 'http.route',
  httpMethod: 'http.request.method',
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
  /** Put the user key on spans (`permissio.user`): personal data, off unless you opt in. @defaultValue false */
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
      description: 'Time of the PDP calls that answered decisions (cache hits excluded).',
      unit: 'ms',
    }),
  };
}

function spanAttributes(event: DecisionEvent, recordUser: boolean): Attributes {
  const attributes: Attributes = {
    [ATTRIBUTES.action]: event.action,
    [ATTRIBUTES.resourceType]: event.resource.type,
    [ATTRIBUTES.decision]: event.allowed ? 'allow' : 'deny',
    [ATTRIBUTES.cacheHit]: event.source === 'cache',
    [ATTRIBUTES.source]: event.source,
    [ATTRIBUTES.decisionId]: event.id,
  };
  if (event.reason !== undefined) attributes[ATTRIBUTES.reason] = event.reason;
  if (event.tenant !== undefined) attributes[ATTRIBUTES.tenant] = event.tenant;
  if (event.route !== undefined) {
    attributes[ATTRIBUTES.httpRoute] = event.route.path;
    attributes[ATTRIBUTES.httpMethod] = event.route.method;
  }
  if (recordUser) attributes[ATTRIBUTES.user] = event.user;
  return attributes;
}

/**
 * An `onDecision` listener recording spans and metrics. It never throws into
 * a decision (and `onDecision` listeners cannot change one anyway).
 */
export function permissioTelemetry(options: PermissioTelemetryOptions = {}): DecisionListener {
  const withSpans = options.spans ?? true;
  const withMetrics = options.metrics ?? true;
  const recordUser = options.recordUser ?? false;
  const tracer: Tracer | undefined = withSpans
    ? (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME)
    : undefined;
  const recorders: Instruments | undefined = withMetrics
    ? instruments((options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME))
    : undefined;

  return function recordDecision(event: DecisionEvent): void {
    if (tracer !== undefined) {
      const end = event.timestamp;
      const span = tracer.startSpan(
        event.source === 'batch' ? SPAN_NAMES.bulkCheck : SPAN_NAMES.check,
        {
          kind: SpanKind.INTERNAL,
          startTime: end - event.latencyMs,
          attributes: spanAttributes(event, recordUser),
        },
        context.active(),
      );
      span.end(end);
    }
    if (recorders !== undefined) {
      const decision = event.allowed ? 'allow' : 'deny';
      const labels: Attributes = { [ATTRIBUTES.decision]: decision, [ATTRIBUTES.source]: event.source };
      if (event.reason !== undefined) labels[ATTRIBUTES.reason] = event.reason;
      recorders.decisions.add(1, labels);
      recorders.decisionDuration.record(event.latencyMs, { [ATTRIBUTES.source]: event.source });
      if (event.source !== 'cache')
        recorders.pdpDuration.record(event.latencyMs, { [ATTRIBUTES.source]: event.source });
    }
  };
}
