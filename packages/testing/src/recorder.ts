/**
 * The decision recorder: an `onDecision` listener that keeps every decision
 * a client (and its request scopes, so every adapter) makes, with assertions
 * that throw a clear error listing what was recorded.
 */
import type { DecisionEvent, DecisionListener } from '@permissio/core';
import { assertMatch, describeEvents, describeMatch, matches, type DecisionMatch } from './match.js';

/** What a recorder assertion expects: any decision, an allow or a deny. */
export type Expectation = 'checked' | 'allowed' | 'denied';

/** Thrown by a failed recorder assertion; its message lists the recorded decisions. */
export class DecisionAssertionError extends Error {
  override name = 'DecisionAssertionError';
  /** The match that failed. */
  readonly match: DecisionMatch;
  /** The decisions recorded when the assertion ran. */
  readonly decisions: readonly DecisionEvent[];

  constructor(message: string, match: DecisionMatch, decisions: readonly DecisionEvent[]) {
    super(message);
    this.match = match;
    this.decisions = decisions;
  }
}

/** The outcome of one expectation, for the framework-neutral assertions and the vitest matchers alike. */
export interface ExpectationResult {
  pass: boolean;
  /** The first decision that satisfied it. */
  found?: DecisionEvent;
  /** Says what was expected and lists what was recorded. */
  message: (negated: boolean) => string;
}

function wanted(expectation: Expectation): string {
  return expectation === 'checked' ? 'a decision' : `${expectation === 'allowed' ? 'an allowed' : 'a denied'} decision`;
}

/**
 * Brand of a recorder: the vitest entry recognises recorders by it, not by
 * `instanceof` (the CommonJS build of each entry point has its own copy of this class).
 */
export const RECORDER: unique symbol = Symbol.for('@permissio/testing.DecisionRecorder');

/** Whether `value` is a {@link DecisionRecorder} (from any copy of this module). */
export function isDecisionRecorder(value: unknown): value is DecisionRecorder {
  return typeof value === 'object' && value !== null && (value as { [RECORDER]?: unknown })[RECORDER] === true;
}

/** Records decisions; pass `recorder.listener` as a client's `onDecision`. */
export class DecisionRecorder {
  readonly [RECORDER] = true;
  readonly #events: DecisionEvent[] = [];

  /** The `onDecision` listener that records. */
  readonly listener: DecisionListener = (event) => {
    this.#events.push(event);
  };

  /** Every decision recorded since the last {@link clear}, oldest first. */
  get decisions(): readonly DecisionEvent[] {
    return [...this.#events];
  }

  /** Forgets the recorded decisions (e.g. in `beforeEach`). */
  clear(): void {
    this.#events.length = 0;
  }

  /** The recorded decisions matching `match`. */
  filter(match: DecisionMatch = {}): DecisionEvent[] {
    assertMatch(match, 'filter()');
    return this.#events.filter((event) => matches(event, match));
  }

  /** Evaluates an expectation without throwing (the vitest matchers build on this). */
  evaluate(expectation: Expectation, match: DecisionMatch): ExpectationResult {
    assertMatch(
      match,
      expectation === 'checked' ? 'toHaveChecked' : `toHave${expectation[0]?.toUpperCase()}${expectation.slice(1)}`,
    );
    const events = [...this.#events];
    const candidates = events.filter((event) => matches(event, match));
    const found = candidates.find(
      (event) => expectation === 'checked' || event.allowed === (expectation === 'allowed'),
    );
    return {
      pass: found !== undefined,
      ...(found === undefined ? {} : { found }),
      message: (negated) => {
        const head = negated
          ? `Expected no ${wanted(expectation).replace(/^an? /, '')} matching ${describeMatch(match)}, but one was recorded.`
          : `Expected ${wanted(expectation)} matching ${describeMatch(match)}, but none was recorded${
              candidates.length > 0
                ? ` (${candidates.length} matching ${candidates.length === 1 ? 'decision was' : 'decisions were'} ${expectation === 'allowed' ? 'denied' : 'allowed'})`
                : ''
            }.`;
        return `${head}\n${describeEvents(events)}`;
      },
    };
  }

  #assert(expectation: Expectation, match: DecisionMatch, negated: boolean): DecisionEvent | undefined {
    const result = this.evaluate(expectation, match);
    if (result.pass === negated) {
      throw new DecisionAssertionError(result.message(negated), match, this.decisions);
    }
    return result.found;
  }

  /** Asserts that a decision matching `match` was made; returns the first one. */
  assertChecked(match: DecisionMatch): DecisionEvent {
    return this.#assert('checked', match, false) as DecisionEvent;
  }

  /** Asserts that a decision matching `match` allowed; returns the first one. */
  assertAllowed(match: DecisionMatch): DecisionEvent {
    return this.#assert('allowed', match, false) as DecisionEvent;
  }

  /** Asserts that a decision matching `match` denied; returns the first one. */
  assertDenied(match: DecisionMatch): DecisionEvent {
    return this.#assert('denied', match, false) as DecisionEvent;
  }

  /** Asserts that no decision matching `match` was made (`{}`: no decision at all). */
  assertNotChecked(match: DecisionMatch = {}): void {
    this.#assert('checked', match, true);
  }
}

/** A new, empty recorder. */
export function createDecisionRecorder(): DecisionRecorder {
  return new DecisionRecorder();
}
