/**
 * Vitest matchers for the decision recorder. Import once, e.g. in a test file
 * or a `setupFiles` entry:
 *
 * ```ts
 * import '@permissio/testing/vitest';
 * expect(testing.recorder).toHaveDenied({ user: 'bob', action: 'delete' });
 * expect(testing).not.toHaveChecked({ user: 'alice' }); // the TestPermissio itself works too
 * ```
 *
 * This is the only module of the package that imports vitest.
 */
import { expect } from 'vitest';
import type { DecisionMatch } from './match.js';
import { isDecisionRecorder, type DecisionRecorder, type Expectation } from './recorder.js';

/** The matchers this entry point adds to vitest's `expect`. */
export interface PermissioMatchers<R = unknown> {
  /** A decision matching `match` was made (allowed or denied). */
  toHaveChecked(match?: DecisionMatch): R;
  /** A decision matching `match` allowed. */
  toHaveAllowed(match?: DecisionMatch): R;
  /** A decision matching `match` denied. */
  toHaveDenied(match?: DecisionMatch): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must repeat vitest's own declaration of `Matchers<T = any>`
  interface Matchers<T = any> extends PermissioMatchers<T> {}
}

function recorderOf(received: unknown): DecisionRecorder | undefined {
  if (isDecisionRecorder(received)) return received;
  const recorder = (received as { recorder?: unknown } | null)?.recorder;
  return isDecisionRecorder(recorder) ? recorder : undefined;
}

function matcher(expectation: Expectation) {
  return function (this: { isNot: boolean }, received: unknown, match: DecisionMatch = {}) {
    const recorder = recorderOf(received);
    if (recorder === undefined) {
      throw new TypeError(
        `@permissio/testing: expect(…) of a Permissio matcher must be a DecisionRecorder or the result of createTestPermissio(), got ${
          received === null ? 'null' : typeof received
        }.`,
      );
    }
    const result = recorder.evaluate(expectation, match);
    const negated = this.isNot;
    return { pass: result.pass, message: () => result.message(negated) };
  };
}

expect.extend({
  toHaveChecked: matcher('checked'),
  toHaveAllowed: matcher('allowed'),
  toHaveDenied: matcher('denied'),
});
