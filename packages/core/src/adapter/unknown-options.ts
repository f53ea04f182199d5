/**
 * Rejects option names an adapter does not know, suggesting the closest
 * known one (`exposeReasons` → "did you mean "exposeReason"?").
 */

/** The known name closest to `name`, if it is close enough to be a likely typo. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** Levenshtein distance (insertions, deletions, substitutions), two rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * @throws TypeError naming every unknown option of `options` (those given
 * with a value other than `undefined`), with a suggestion when one is close
 */
export function assertKnownOptions(options: object, known: ReadonlySet<string>, where: string): void {
  const problems: string[] = [];
  for (const name of Object.keys(options)) {
    if (known.has(name) || (options as Record<string, unknown>)[name] === undefined) continue;
    const suggestion = closestName(name, known);
    problems.push(suggestion === undefined ? `"${name}"` : `"${name}" (did you mean "${suggestion}"?)`);
  }
  if (problems.length === 0) return;
  throw new TypeError(
    `${where}: unknown option${problems.length === 1 ? '' : 's'} ${problems.join(', ')}; known options: ${[...known].join(', ')}.`,
  );
}
