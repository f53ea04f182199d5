/**
 * Rejects option names an adapter does not know, suggesting the closest
 * known one (`exposeReasons` → "did you mean "exposeReason"?").
 */
import { closestName } from '../suggest.js';

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
