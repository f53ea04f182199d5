/**
 * `time` attribute values: ISO 8601 / RFC 3339 text compared as instants.
 *
 * Accepted: a date `2024-05-01` (midnight UTC), or a date-time with an
 * explicit offset `2024-05-01T09:30:00Z`, `2024-05-01T09:30:00.250+02:00`
 * (seconds and fractions optional; fractions beyond milliseconds are
 * truncated). A date-time without an offset is rejected: its instant would
 * depend on the machine's time zone. A `Date` object is accepted too (the
 * HTTP client sends it as its ISO string, so the answer is the same).
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2}))?$/;

/** Milliseconds since the epoch, or `NaN` when `value` is not a valid time. */
export function parseTime(value: unknown): number {
  if (typeof value === 'string') return parseIso(value);
  if (value instanceof Date) return value.getTime();
  return Number.NaN;
}

function parseIso(text: string): number {
  if (text.length > 40) return Number.NaN;
  const m = ISO.exec(text);
  if (m === null) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return Number.NaN;
  if (m[4] === undefined) return utc(year, month, day, 0, 0, 0, 0);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const offset = parseOffset(m[8] as string);
  if (Number.isNaN(offset)) return Number.NaN;
  return utc(year, month, day, hour, minute, second, millis) - offset;
}

/** Offset in milliseconds east of UTC. */
function parseOffset(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return Number.NaN;
  return sign * (hours * 60 + minutes) * 60_000;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
