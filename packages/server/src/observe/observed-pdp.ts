/**
 * Decision events on the server: each scope's engine is wrapped so its
 * decision calls (`check`, `checkDetailed`, `bulkCheck`) report events, built
 * by core (`emitDecision`) exactly as the client builds them. `check` asks
 * `checkDetailed`, so every event carries its reason. Only installed when the
 * server observes decisions (metrics, decision log, recent decisions).
 */
import type { CheckRequest, Decision, DecisionEvent, Pdp } from '@permissio/core';
import { type DecisionObserver, DecisionSink, emitDecision } from '@permissio/core/internal';
import type { PdpFactory } from '../registry.js';
import type { Scope } from '../storage.js';

/** Receives the events of one scope. */
export type ScopeDecisionListener = (scope: Scope, event: DecisionEvent) => void;

/** A listener's logger (Fastify's). */
interface ErrorLogger {
  error(message: string): void;
}

const now: () => number = () => performance.now();

/** Wraps `pdp` so its decisions report to `observer`; everything else is the PDP's own. */
export function observePdp(pdp: Pdp, observer: DecisionObserver): Pdp {
  const check = async (request: CheckRequest): Promise<boolean> => {
    const start = now();
    const decision = await pdp.checkDetailed(request);
    emitDecision(observer, request, decision.allowed, 'pdp', start, decision);
    return decision.allowed;
  };
  const checkDetailed = async (request: CheckRequest): Promise<Decision> => {
    const start = now();
    const decision = await pdp.checkDetailed(request);
    emitDecision(observer, request, decision.allowed, 'pdp', start, decision);
    return decision;
  };
  const bulkCheck = async (requests: readonly CheckRequest[]): Promise<boolean[]> => {
    const start = now();
    const answers = await pdp.bulkCheck(requests);
    answers.forEach((allowed, i) => {
      const request = requests[i];
      if (request !== undefined) emitDecision(observer, request, allowed, 'batch', start);
    });
    return answers;
  };
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(pdp, {
    get(target, property) {
      if (property === 'check') return check;
      if (property === 'checkDetailed') return checkDetailed;
      if (property === 'bulkCheck') return bulkCheck;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(property);
      if (method === undefined) {
        method = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(property, method);
      }
      return method;
    },
  });
}

/**
 * A factory whose engines report their decisions, with their scope, to
 * `listener`. Every scope it built an engine for is added to `scopes`.
 */
export function observedFactory(
  base: PdpFactory,
  listener: ScopeDecisionListener,
  logger: ErrorLogger,
  scopes: Map<string, Scope>,
): PdpFactory {
  return (scope) => {
    const own: Scope = { projectId: scope.projectId, environmentId: scope.environmentId };
    const pdp = base(scope);
    scopes.set(scopeKey(own), own);
    const sink = new DecisionSink((event) => listener(own, event), logger as never, '@permissio/server');
    return observePdp(pdp, { sinks: [sink] });
  };
}

/** The map key of a scope. */
export function scopeKey(scope: Scope): string {
  return `${scope.projectId}\u0000${scope.environmentId}`;
}
