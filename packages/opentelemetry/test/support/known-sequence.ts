/**
 * The assertions every framework test makes after the same known sequence of requests — alice reads document 1
 * (the guard asks, the handler asks again from the scope's cache), bob is denied, alice lists (a guard check and a
 * plan): the spans under each request span, in one trace with it, nothing else, and the exact metric points.
 */
import { expect } from 'vitest';
import { ATTRIBUTES, SPAN_NAMES } from '../../src/index.js';
import { byRequest, CHECK_KEYS, EXPECTED_METRICS, metricPoints, summary, type Telemetry } from './otel.js';

export async function expectKnownSequence(t: Telemetry): Promise<ReturnType<typeof byRequest>> {
  const traces = byRequest(t.exporter, 'HTTP ');
  expect(traces.map(({ request: r, children }) => [r.name, children.map((s) => summary(s, CHECK_KEYS))])).toEqual([
    [
      'HTTP GET /documents/1',
      [
        [SPAN_NAMES.check, 'read', 'document', 'allow', false, 'pdp', '/documents/:id'],
        [SPAN_NAMES.check, 'read', 'document', 'allow', true, 'cache', '/documents/:id'],
      ],
    ],
    ['HTTP GET /documents/1', [[SPAN_NAMES.check, 'read', 'document', 'deny', false, 'pdp', '/documents/:id']]],
    [
      'HTTP GET /documents',
      [
        [SPAN_NAMES.check, 'read', 'document', 'allow', false, 'pdp', '/documents'],
        [SPAN_NAMES.plan, 'read', 'document', undefined, false, undefined, '/documents'],
      ],
    ],
  ]);
  for (const { request: r, children } of traces) {
    for (const span of children) {
      expect(span.spanContext().traceId).toBe(r.spanContext().traceId);
      expect(span.attributes[ATTRIBUTES.httpMethod]).toBe('GET');
    }
  }
  // Nothing but these: no stray Permissio span outside a request.
  expect(t.exporter.getFinishedSpans().filter((s) => s.name.startsWith('permissio.'))).toHaveLength(5);
  expect(await metricPoints(t.reader)).toEqual(EXPECTED_METRICS);
  return traces;
}
