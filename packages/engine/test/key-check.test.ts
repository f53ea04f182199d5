import { isValidKey, MAX_KEY_LENGTH } from '@permissio/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidKeyFast } from '../src/key-check.js';

describe('isValidKeyFast (the check hot path) answers exactly like core isValidKey', () => {
  it.each([
    ['doc-1', true],
    ['', false],
    ['a'.repeat(MAX_KEY_LENGTH), true],
    ['a'.repeat(MAX_KEY_LENGTH + 1), false],
    ['tab\there', false],
    ['nul\u0000', false],
    ['del\u007f', false],
    ['c1\u0085', false],
    ['\u00a0nbsp', true],
    ['pair 😀', true],
    ['lone \ud800', false],
    ['lone \udc00 x', false],
    ['reversed \udc00\ud800', false],
    [42, false],
    [undefined, false],
  ])('%j → %s', (value, expected) => {
    expect(isValidKey(value)).toBe(expected);
    expect(isValidKeyFast(value)).toBe(expected);
  });

  it('agrees on random strings (control characters, surrogates, lengths around the limit)', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0, max: 0x1f }),
      fc.integer({ min: 0x7f, max: 0xa0 }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
      fc.integer({ min: 0, max: 0xffff }),
    );
    const text = fc.oneof(
      fc.array(unit, { maxLength: 12 }).map((codes) => String.fromCharCode(...codes)),
      fc.integer({ min: MAX_KEY_LENGTH - 2, max: MAX_KEY_LENGTH + 2 }).map((n) => 'k'.repeat(n)),
    );
    fc.assert(
      fc.property(text, (value) => {
        expect(isValidKeyFast(value)).toBe(isValidKey(value));
      }),
      { seed: 12, numRuns: 2000 },
    );
  });
});
