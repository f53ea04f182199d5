/**
 * The demo: starts every example as a child process on an ephemeral port
 * (embedded engine), then starts one local PDP server in-process and runs the
 * Express example against it; sends each the same fixed scenario and prints
 * framework × request → expected/actual status, PDP calls and latency. Then,
 * per run and user, `GET /documents` against the ids `GET /documents/:id`
 * allows: the list (a plan compiled to SQL) must equal the item checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { generateApiKey, startServer, type PermissioServer } from '@permissio/server';
import { USERS, policy, seedDocuments, type DemoUserName } from '../../shared/policy.js';
import { SCENARIO, type ScenarioStep } from '../../shared/scenario.js';
import { compareListWithChecks, type ListAgreement } from '../../shared/list-agreement.js';
import { exampleManifest } from '../../express/src/manifest.js';
import { mintTokens } from './tokens.js';

export const FRAMEWORKS = ['express', 'fastify', 'hono', 'nestjs'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** One run: an example, on the embedded engine or against the PDP server. */
export interface Run {
  readonly framework: Framework;
  readonly remote: boolean;
}

export interface Row {
  readonly run: string;
  readonly step: ScenarioStep;
  /** HTTP status, or 0 when the request failed. */
  readonly actual: number;
  /** `X-Permissio-Pdp-Calls` of the response (the request scope's `pdpCalls`), if present. */
  readonly pdpCalls: number | undefined;
  readonly latencyMs: number;
  readonly matched: boolean;
  readonly error?: string;
}

/** One user's `GET /documents` in one run, against their item checks. */
export interface ListRow extends ListAgreement {
  readonly run: string;
  readonly user: DemoUserName;
  /** PDP calls of the list and item requests (their `X-Permissio-Pdp-Calls`). */
  readonly pdpCalls: number;
  readonly error?: string;
}

export interface DemoOptions {
  /** Where lines go. @defaultValue process.stdout */
  write?: (text: string) => void;
  /** ANSI colours. @defaultValue stdout is a TTY and NO_COLOR is unset */
  color?: boolean;
  /** The runs. @defaultValue every framework embedded, then express against the server */
  runs?: readonly Run[];
  /** Milliseconds an example may take to print `LISTENING`. @defaultValue 30_000 */
  startTimeout?: number;
}

export interface DemoResult {
  readonly rows: readonly Row[];
  /** Every user's list in every run that started. */
  readonly lists: readonly ListRow[];
  /** Every row matched, every example started, and the server saw what the scopes reported. */
  readonly ok: boolean;
  readonly failures: readonly string[];
  readonly durationMs: number;
}

const EXAMPLES_DIR = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_RUNS: readonly Run[] = [
  ...FRAMEWORKS.map((framework) => ({ framework, remote: false })),
  { framework: 'express', remote: true },
];

/** Children still alive: killed on exit, failure and signals. */
const children = new Set<ChildProcess>();

/** Kills every child still running (synchronously: usable in an `exit` handler). */
export function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

function runName(run: Run): string {
  return run.remote ? `${run.framework} → server` : run.framework;
}

interface Started {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns `node --conditions=@permissio/source --import tsx src/main.ts` in the example's folder. */
async function startExample(framework: Framework, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Started> {
  const child = spawn(process.execPath, ['--conditions=@permissio/source', '--import', 'tsx', 'src/main.ts'], {
    // tsx reads the example's tsconfig.json from the working directory (Nest needs its decorator settings).
    cwd: `${EXAMPLES_DIR}${framework}`,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      const timer = setTimeout(
        () => reject(new Error(`${framework}: no LISTENING line within ${timeoutMs} ms.\n${stderr}`)),
        timeoutMs,
      );
      lines.on('line', (line) => {
        const match = /^LISTENING (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${framework}: exited (${signal ?? code}) before listening.\n${stderr}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    return { url, child, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function send(url: string, step: ScenarioStep, tokens: ReadonlyMap<string, string>, run: string): Promise<Row> {
  const headers: Record<string, string> = {};
  if (step.as !== null) headers.authorization = `Bearer ${tokens.get(step.as)}`;
  if (step.body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  try {
    const response = await fetch(`${url}${step.path}`, {
      method: step.method,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      ...(step.body === undefined ? {} : { body: JSON.stringify(step.body) }),
    });
    await response.arrayBuffer();
    const latencyMs = performance.now() - started;
    const header = response.headers.get('x-permissio-pdp-calls');
    return {
      run,
      step,
      actual: response.status,
      pdpCalls: header === null ? undefined : Number(header),
      latencyMs,
      matched: response.status === step.expected,
    };
  } catch (error) {
    return {
      run,
      step,
      actual: 0,
      pdpCalls: undefined,
      latencyMs: performance.now() - started,
      matched: false,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

const CAST = Object.keys(USERS) as DemoUserName[];
const SEED_IDS = seedDocuments().map((document) => document.id);

/** Each user's list against their item checks (the seed's ids are the candidates). */
async function compareLists(url: string, tokens: ReadonlyMap<string, string>, run: string): Promise<ListRow[]> {
  const rows: ListRow[] = [];
  for (const user of CAST) {
    let pdpCalls = 0;
    const get = async (path: string) => {
      const response = await fetch(`${url}${path}`, {
        headers: { authorization: `Bearer ${tokens.get(user)}` },
        signal: AbortSignal.timeout(10_000),
      });
      pdpCalls += Number(response.headers.get('x-permissio-pdp-calls') ?? 0);
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json };
    };
    try {
      rows.push({ run, user, ...(await compareListWithChecks(get, SEED_IDS)), pdpCalls });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      rows.push({
        run,
        user,
        listStatus: 0,
        listed: [],
        allowed: [],
        unexpected: [],
        ok: false,
        pdpCalls,
        error: message,
      });
    }
  }
  return rows;
}

/** Child environment: no inherited PDP settings, an ephemeral port, demo instrumentation on. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', PERMISSIO_DEMO: '1', ...extra };
  if (extra.PERMISSIO_API_URL === undefined) {
    delete env.PERMISSIO_API_URL;
    delete env.PERMISSIO_TOKEN;
  }
  return env;
}

/** Runs the demo; never throws for a failing example (it becomes a failure). */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const color = options.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  const runs = options.runs ?? DEFAULT_RUNS;
  const startTimeout = options.startTimeout ?? 30_000;
  const paint = painter(color);
  const began = performance.now();
  const rows: Row[] = [];
  const lists: ListRow[] = [];
  const failures: string[] = [];
  const tokens = await mintTokens(['alice', 'bob', 'carol', 'dave', 'erin']);
  let server: PermissioServer | undefined;
  const apiKey = generateApiKey();
  let serverChecks = 0;
  let remoteScopeCalls = 0;

  write(
    `${paint.bold('Permissio demo')}: ${SCENARIO.length} requests × ${runs.length} runs, every app on 127.0.0.1 (ephemeral ports)\n\n`,
  );
  // The route manifest of one example: every route with its guard, `public`, or `UNGUARDED`.
  write(`${paint.bold('Route manifest of the Express example')} (routeManifest(app)):\n${exampleManifest()}\n\n`);
  try {
    for (const run of runs) {
      const name = runName(run);
      let extra: Record<string, string> = {};
      if (run.remote) {
        if (server === undefined) {
          server = await startServer({
            host: '127.0.0.1',
            port: 0,
            database: ':memory:',
            // The apps only ask for decisions: a `check` key (it cannot read or change the policy).
            apiKeys: [{ key: apiKey, projectId: 'demo', environmentId: 'dev', scopes: ['check'] }],
            seed: policy,
            rateLimits: false,
          });
          // Count the decision calls the server receives, to compare with what the apps' scopes report.
          server.app.server.on('request', (req: { url?: string }) => {
            if (/\/(check|plan)(\/|\?|$)/.test(req.url ?? '')) serverChecks++;
          });
          write(`${paint.dim(`PDP server (@permissio/server) at ${server.url}, seeded with the example policy`)}\n`);
        }
        extra = { PERMISSIO_API_URL: server.url, PERMISSIO_TOKEN: apiKey };
      }
      let started: Started;
      const t0 = performance.now();
      try {
        started = await startExample(run.framework, childEnv(extra), startTimeout);
      } catch (error) {
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        write(`${paint.red('✗')} ${name}: did not start\n`);
        continue;
      }
      write(
        `${paint.dim(`${name} listening at ${started.url} (started in ${Math.round(performance.now() - t0)} ms)`)}\n`,
      );
      try {
        for (const step of SCENARIO) {
          const row = await send(started.url, step, tokens, name);
          rows.push(row);
          if (run.remote) remoteScopeCalls += row.pdpCalls ?? 0;
        }
        for (const row of await compareLists(started.url, tokens, name)) {
          lists.push(row);
          if (run.remote) remoteScopeCalls += row.pdpCalls;
        }
      } finally {
        await started.stop();
      }
    }
  } finally {
    killChildren();
    await server?.close();
  }

  for (const row of rows) {
    if (!row.matched) {
      failures.push(
        `${row.run}: ${row.step.method} ${row.step.path} as ${row.step.as ?? 'nobody'} → ${row.actual || row.error}, expected ${row.step.expected} (${row.step.why})`,
      );
    }
  }
  for (const list of lists) {
    if (!list.ok) {
      failures.push(
        `${list.run}: GET /documents as ${list.user} → ${list.error ?? `${list.listStatus} [${list.listed.join(', ')}]`}, ` +
          `but GET /documents/:id allows [${list.allowed.join(', ')}]` +
          (list.unexpected.length > 0 ? ` (unexpected item answers: ${list.unexpected.join(', ')})` : ''),
      );
    }
  }
  if (runs.some((run) => run.remote) && serverChecks !== remoteScopeCalls) {
    failures.push(
      `the PDP server received ${serverChecks} check and plan calls, the request scopes reported ${remoteScopeCalls}`,
    );
  }

  write(`\n${renderTable(rows, paint)}\n`);
  write(
    `\n${paint.bold('Lists: GET /documents (plan → SQL) vs. the ids GET /documents/:id allows')} (candidates ${SEED_IDS.join(', ')})\n` +
      `${renderListTable(lists, paint)}\n`,
  );
  const durationMs = performance.now() - began;
  const matched = rows.filter((row) => row.matched).length;
  if (runs.some((run) => run.remote)) {
    write(
      `PDP server: ${serverChecks} check and plan calls received; the remote run's request scopes reported ${remoteScopeCalls}.\n`,
    );
  }
  write(
    'PDP calls: per request, from the scope (X-Permissio-Pdp-Calls). Embedded: one call per distinct question;\n' +
      "remote: the handler's three extra checks go out as one bulk call. 401s never reach the PDP.\n" +
      'A list asks one plan per tenant that owns documents (2 here) and runs one SQL query.\n',
  );
  const agreed = lists.filter((list) => list.ok).length;
  if (failures.length === 0) {
    write(
      `${paint.green(`✓ ${matched}/${rows.length} rows matched, ${agreed}/${lists.length} lists equal their item checks`)} in ${(durationMs / 1000).toFixed(1)} s\n`,
    );
  } else {
    write(
      `${paint.red(`✗ ${matched}/${rows.length} rows matched, ${agreed}/${lists.length} lists equal their item checks, ${failures.length} problem(s):`)}\n`,
    );
    for (const failure of failures) write(`  - ${failure}\n`);
  }
  return { rows, lists, ok: failures.length === 0, failures, durationMs };
}

interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

function painter(enabled: boolean): Paint {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39) };
}

/** The table, aligned on visible width (colour codes excluded). */
export function renderTable(rows: readonly Row[], paint: Paint = painter(false)): string {
  const header = ['run', 'who', 'request', 'expected', 'actual', 'pdp calls', 'latency', ''];
  const cells = rows.map((row) => [
    row.run,
    row.step.as ?? '(no token)',
    `${row.step.method} ${row.step.path}`,
    String(row.step.expected),
    row.actual === 0 ? 'error' : String(row.actual),
    row.pdpCalls === undefined ? '-' : String(row.pdpCalls),
    `${row.latencyMs.toFixed(1)} ms`,
    row.matched ? '✓' : '✗',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => (line[i] as string).length)));
  const right = new Set([3, 4, 5, 6]);
  const format = (line: string[]) =>
    line
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const out = [paint.bold(format(header)), paint.dim(widths.map((w) => '─'.repeat(w)).join('  '))];
  let previous: string | undefined;
  rows.forEach((row, index) => {
    if (previous !== undefined && previous !== row.run) out.push('');
    previous = row.run;
    const line = format(cells[index] as string[]);
    out.push(row.matched ? line.replace(/✓$/, paint.green('✓')) : paint.red(line));
  });
  return out.join('\n');
}

/** The lists table: run, user, what the list returned, what the item checks allow, ✓/✗. */
export function renderListTable(lists: readonly ListRow[], paint: Paint = painter(false)): string {
  const header = ['run', 'who', 'GET /documents', 'GET /documents/:id → 200', ''];
  const cells = lists.map((list) => [
    list.run,
    list.user,
    list.error === undefined ? list.listed.join(' ') || '(none)' : `error: ${list.error}`,
    list.allowed.join(' ') || '(none)',
    list.ok ? '✓' : '✗',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => (line[i] as string).length)));
  const format = (line: string[]) =>
    line
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const out = [paint.bold(format(header)), paint.dim(widths.map((w) => '─'.repeat(w)).join('  '))];
  let previous: string | undefined;
  lists.forEach((list, index) => {
    if (previous !== undefined && previous !== list.run) out.push('');
    previous = list.run;
    const line = format(cells[index] as string[]);
    out.push(list.ok ? line.replace(/✓$/, paint.green('✓')) : paint.red(line));
  });
  return out.join('\n');
}
