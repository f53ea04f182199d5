/** The one `time` attribute parser, shared by the engine's conditions and `@permissio/filter`'s predicates. */
import { describe, expect, it } from 'vitest';
import { parseTime } from '../src/internal.js';

describe('parseTime', () => {
  it('reads dates and date-times with an offset as instants', () => {
    expect(parseTime('2024-05-01')).toBe(Date.UTC(2024, 4, 1));
    expect(parseTime('2024-05-01T09:30:00Z')).toBe(Date.UTC(2024, 4, 1, 9, 30));
    expect(parseTime('2024-05-01T09:30Z')).toBe(Date.UTC(2024, 4, 1, 9, 30));
    expect(parseTime('2024-05-01T09:30:00.250+02:00')).toBe(Date.UTC(2024, 4, 1, 7, 30, 0, 250));
    // Fractions beyond milliseconds are truncated; an offset without a colon is accepted.
    expect(parseTime('2024-05-01T09:30:00.123456789-0530')).toBe(Date.UTC(2024, 4, 1, 15, 0, 0, 123));
    expect(parseTime(new Date(0))).toBe(0);
    expect(parseTime('0000-01-01T00:00:00Z')).toBe(-62167219200000);
    expect(parseTime('9999-12-31T23:59:59.999Z')).toBe(253402300799999);
  });

  it('refuses impossible dates, local times, other separators and non-strings (NaN)', () => {
    for (const value of ['2024-02-30', '2024-05-01T09:30:00', '2024-05-01 09:30:00Z', 'now', '', 42]) {
      expect(parseTime(value), String(value)).toBeNaN();
    }
  });
});
