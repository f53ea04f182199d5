/**
 * `isValidKey` (core) for the check hot path: one pass over the characters
 * instead of two regular expressions. Same answer for every input: a string
 * of 1–256 UTF-16 code units with no control character (U+0000–U+001F,
 * U+007F–U+009F) and no lone surrogate. A string holding any surrogate is
 * handed to core's `isValidKey` (pairs are valid, lone halves are not).
 */
import { isValidKey, MAX_KEY_LENGTH } from '@permissio/core';

export function isValidKeyFast(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const length = value.length;
  if (length === 0 || length > MAX_KEY_LENGTH) return false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
    if (c >= 0xd800 && c <= 0xdfff) return isValidKey(value);
  }
  return true;
}
