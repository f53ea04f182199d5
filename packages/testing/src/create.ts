/**
 * `createTestPermissio(...)`: a real `Permissio` client on the embedded
 * engine, loaded from a policy snapshot and/or a list of allowed tuples, with
 * a decision recorder and fault switches.
 */
import {
  Permissio,
  PermissioValidationError,
  type DecisionListener,
  type Logger,
  type PolicySnapshot,
} from '@permissio/core';
import { createEngine, type Engine } from '@permissio/engine';
import { compileAllowed, type AllowedEntry } from './allowed.js';
import { FaultablePdp, type Fault, type FaultOptions } from './faults.js';
import { DecisionRecorder } from './recorder.js';

/** Options of {@link createTestPermissio}: a `policy`, an `allow` list, or both (the tuples are added to the policy). */
export interface TestPermissioOptions {
  /** A policy snapshot (docs/MODEL.md, "Policy snapshots"), e.g. your seed file's content. */
  policy?: PolicySnapshot;
  /** What is allowed, as `{user, action, resource, tenant?}` or `[user, action, resource, tenant?]`; everything else is denied. */
  allow?: readonly AllowedEntry[];
  /**
   * The client's `throwOnError`: `true` (default) rejects on a PDP failure,
   * `false` denies instead (as your production client may be configured).
   * @defaultValue true
   */
  throwOnError?: boolean;
  /** The client's logger (swallowed errors with `throwOnError: false`). @defaultValue the global console */
  logger?: Logger;
  /** Also called for every decision, after the recorder. */
  onDecision?: DecisionListener;
}

/** What {@link createTestPermissio} returns. */
export interface TestPermissio {
  /** A real client on the embedded engine: pass it to `permissio({ client })`, `PermissioModule.forRoot({ client })` … */
  readonly client: Permissio;
  /** Every decision the client and its request scopes made. */
  readonly recorder: DecisionRecorder;
  /** The engine behind the client (management calls, `exportSync()` …). */
  readonly engine: Engine;
  /** The fault in effect, if any. */
  readonly currentFault: Fault | undefined;
  /**
   * Makes the PDP fail like a remote one until {@link heal} (or for the next
   * `times` decision calls): `unavailable`, `timeout` or `malformed`.
   */
  fault(kind: Fault, options?: FaultOptions): void;
  /** The PDP answers again. */
  heal(): void;
  /** Allows more tuples, on top of what is allowed now. */
  allow(...entries: AllowedEntry[]): void;
  /** Replaces the policy (and the tuples given so far are dropped). */
  load(policy: PolicySnapshot): void;
  /** Closes the client. */
  close(): Promise<void>;
}

const OPTIONS = new Set(['policy', 'allow', 'throwOnError', 'logger', 'onDecision']);

/**
 * A real client on the embedded engine for your tests.
 *
 * ```ts
 * const testing = createTestPermissio({ allow: [{ user: 'alice', action: 'read', resource: 'document' }] });
 * const app = createApp({ client: testing.client });
 * ```
 * @throws PermissioValidationError on an unknown option or a malformed tuple; `PermissioValidationError` on an invalid policy
 */
export function createTestPermissio(options: TestPermissioOptions = {}): TestPermissio {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new PermissioValidationError(
      '@permissio/testing: createTestPermissio() takes options like { policy } or { allow: [{ user, action, resource }] }.',
    );
  }
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) {
      throw new PermissioValidationError(
        `@permissio/testing: unknown option "${key}" of createTestPermissio(); use policy, allow, throwOnError, logger or onDecision.`,
      );
    }
  }
  let policy = options.policy ?? {};
  let allowed: AllowedEntry[] = [...(options.allow ?? [])];
  const engine = createEngine(compileAllowed(allowed, policy));
  const pdp = new FaultablePdp(engine);
  const recorder = new DecisionRecorder();
  const extra = options.onDecision;
  const client = new Permissio({
    pdp,
    throwOnError: options.throwOnError ?? true,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    onDecision:
      extra === undefined
        ? recorder.listener
        : (event) => {
            recorder.listener(event);
            extra(event);
          },
  });

  return {
    client,
    recorder,
    engine,
    get currentFault() {
      return pdp.currentFault;
    },
    fault(kind, faultOptions) {
      pdp.fault(kind, faultOptions);
    },
    heal() {
      pdp.heal();
    },
    allow(...entries) {
      const next = [...allowed, ...entries];
      engine.loadSync(compileAllowed(next, policy));
      allowed = next;
    },
    load(next) {
      engine.loadSync(next);
      policy = next;
      allowed = [];
    },
    async close() {
      await client.close();
      await engine.close?.();
    },
  };
}
