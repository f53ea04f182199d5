/**
 * Strict reading of a PDP's JSON: `JSON.parse` keeps the last of two equal
 * keys, so `{"allowed":false,"allowed":true}` would read as an allow. An
 * answer with a duplicate key in any object is malformed instead.
 */

/**
 * Whether any object in `text` — valid JSON, already accepted by
 * `JSON.parse` — has the same key twice (compared after unescaping, so
 * `"a"` and `"\u0061"` are the same key).
 */
export function hasDuplicateKey(text: string): boolean {
  // One entry per open container: the keys seen so far of an object, `null` for an array.
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c /* \ */) {
          escaped = true;
          i++;
        }
      }
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        const raw = text.slice(start, i + 1);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
    } else if (c === 0x7b /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      open.push(null);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = open[open.length - 1] != null;
    }
  }
  return false;
}
