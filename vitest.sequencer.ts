/**
 * File order for `pnpm test`: the files known to take longest start first, so on 2 workers no long file is left
 * alone at the end of the run. Vitest orders by the durations of the previous run when it has them
 * (node_modules/.vite), but a fresh clone has none and falls back to file size, which puts the demo test (a short
 * file that starts five apps) last. Projects keep vitest's order (they run one after another).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Longest first, as measured (quiet 2-core machine, seconds): keep roughly in order when adding a slow file. */
const SLOW_FIRST = [
  'examples/demo/test/demo.test.ts', // 14.7: starts the four example apps and the PDP server, 80 rows + lists
  'packages/server/test/persistence.test.ts', // 9.8: kill -9 and restart of a real server process
  'packages/server/test/cli-types.test.ts', // 8: TypeScript programs compiled against core's sources
  'packages/server/test/cli.test.ts', // 8.2: spawns the CLI
  'packages/integration/test/conformance.test.ts', // 7.7: every vector embedded and over HTTP
  'packages/server/test/conformance.test.ts', // 6.8
  'packages/filter/test/differential.test.ts', // 5.3: SQLite and PostgreSQL differential proofs
  'packages/server/test/abac-routes.test.ts', // 5.2
  'packages/server/test/pg-processes.test.ts', // 4.8: replicas as processes on PostgreSQL
  'packages/server/test/pg-conformance.test.ts', // 4.6
  'packages/integration/test/scope-http.test.ts', // 4.4
];

function rank(spec: TestSpecification): number {
  const index = SLOW_FIRST.findIndex((path) => spec.moduleId.endsWith(path));
  return index < 0 ? SLOW_FIRST.length : index;
}

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const projects = new Map<string, number>();
    for (const spec of sorted) if (!projects.has(spec.project.name)) projects.set(spec.project.name, projects.size);
    return sorted
      .map((spec, position) => ({ spec, position }))
      .sort(
        (a, b) =>
          (projects.get(a.spec.project.name) ?? 0) - (projects.get(b.spec.project.name) ?? 0) ||
          rank(a.spec) - rank(b.spec) ||
          a.position - b.position,
      )
      .map(({ spec }) => spec);
  }
}
