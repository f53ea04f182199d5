/**
 * `permissio-server types`: writes the declaration file that registers a
 * policy's shape with `@permissio/core` (its `Register` interface), so every
 * check, scope, `requirePermission` and management call of the app is typed
 * by the policy — from a seed file, or from a running server with an API key.
 * `--check` compares instead of writing (for CI): exit 1 when the file is
 * missing or stale, saying how to regenerate it.
 *
 * Exit codes: 0 written / up to date; 1 stale file, unreadable seed or an
 * unreachable server; 2 usage error.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Permissio, type PolicySnapshot } from '@permissio/core';
import { readSeed } from './seed.js';
import { type CliIo, UsageError } from './args.js';

export const TYPES_HELP = `Usage: permissio-server types (--seed <file> | --url <url>) [options]

Writes a TypeScript declaration file registering the policy's resource types
and actions with @permissio/core, so checks, requirePermission and the
management calls are typed by the policy.

Options:
  --seed <file>         read the policy from this snapshot (.json, .yaml or .yml)
  --url <url>           read it from a running server (its base URL)
  --api-key <key>       API key of that server (default: environment PERMISSIO_API_KEY)
  --project <id>        project of the key (default "default")
  --environment <id>    environment of the key (default "default")
  --out <file>          the declaration file (default ./permissio.d.ts)
  --check               do not write: exit 1 when the file is missing or out of date
  -h, --help            print this help
`;

/** Options of `permissio-server types`. */
export interface TypesOptions {
  seed?: string;
  url?: string;
  apiKey?: string;
  project: string;
  environment: string;
  out: string;
  check: boolean;
}

/** One resource type and its action keys, as the declaration lists them. */
export interface ResourceShape {
  key: string;
  actions: string[];
}

/** Parses the arguments after `types`; `undefined` = help printed. */
export function parseTypesArgs(
  argv: readonly string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>>,
): TypesOptions | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        seed: { type: 'string' },
        url: { type: 'string' },
        'api-key': { type: 'string' },
        project: { type: 'string' },
        environment: { type: 'string' },
        out: { type: 'string' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`types: ${(error as Error).message}`);
  }
  if (values.help === true) {
    io.out(TYPES_HELP);
    return undefined;
  }
  const seed = values.seed as string | undefined;
  const url = values.url as string | undefined;
  if ((seed === undefined) === (url === undefined)) {
    throw new UsageError('types: give exactly one of --seed <file> (a policy snapshot) and --url <server URL>.');
  }
  const apiKey = (values['api-key'] as string | undefined) ?? env.PERMISSIO_API_KEY;
  if (url !== undefined && (apiKey === undefined || apiKey === '')) {
    throw new UsageError('types: --url needs an API key: pass --api-key <key> or set PERMISSIO_API_KEY.');
  }
  return {
    ...(seed === undefined ? {} : { seed }),
    ...(url === undefined ? {} : { url }),
    ...(apiKey === undefined ? {} : { apiKey }),
    project: (values.project as string | undefined) ?? 'default',
    environment: (values.environment as string | undefined) ?? 'default',
    out: (values.out as string | undefined) ?? 'permissio.d.ts',
    check: values.check === true,
  };
}

/** The resource types and action keys of a snapshot, sorted (a stable file). */
export function shapeOfSnapshot(snapshot: PolicySnapshot): ResourceShape[] {
  const resources = Array.isArray(snapshot.resources) ? snapshot.resources : [];
  return normalise(
    resources.map((resource) => ({
      key: resource.key,
      actions: (resource.actions ?? []).map((action) => (typeof action === 'string' ? action : action.key)),
    })),
  );
}

function normalise(resources: ResourceShape[]): ResourceShape[] {
  return resources
    .map((r) => ({ key: r.key, actions: [...new Set(r.actions)].sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Reads the resource types of a running server through the HTTP client (every page). */
async function shapeOfServer(options: TypesOptions): Promise<ResourceShape[]> {
  const client = new Permissio({
    token: options.apiKey as string,
    apiUrl: options.url as string,
    projectId: options.project,
    environmentId: options.environment,
  });
  try {
    const resources: ResourceShape[] = [];
    for await (const resource of client.api.resources.iterate()) {
      resources.push({ key: resource.key, actions: resource.actions.map((action) => action.key) });
    }
    return normalise(resources);
  } finally {
    await client.close();
  }
}

/** The first line after the header comment. */
const BODY_START = "import '@permissio/core';";

/** A TypeScript string literal. */
const literal = (value: string): string => JSON.stringify(value).replace(/'/g, "\\'");

/** The declaration file's text for `resources`; `regenerate` is the command printed in its header. */
export function renderDeclaration(resources: readonly ResourceShape[], regenerate: string): string {
  const lines = [
    '// Generated by `permissio-server types`: the resource types and actions of the policy,',
    '// registered with @permissio/core. Do not edit; regenerate with:',
    `//   ${regenerate}`,
    BODY_START,
    '',
    "declare module '@permissio/core' {",
    '  interface Register {',
    '    policy: {',
    '      resources: [',
    ...resources.map(
      (r) => `        { key: ${literal(r.key)}; actions: [${r.actions.map((a) => literal(a)).join(', ')}] },`,
    ),
    '      ];',
    '    };',
    '  }',
    '}',
    '',
  ];
  return lines.join('\n');
}

/** The command that regenerates the file (no API key: it names the variable instead). */
function regenerateCommand(options: TypesOptions): string {
  const source =
    options.seed !== undefined
      ? `--seed ${options.seed}`
      : `--url ${options.url}${options.project === 'default' ? '' : ` --project ${options.project}`}` +
        `${options.environment === 'default' ? '' : ` --environment ${options.environment}`} (key in PERMISSIO_API_KEY)`;
  return `permissio-server types ${source} --out ${options.out}`;
}

/** Runs `permissio-server types`; resolves to the exit code. */
export async function runTypes(
  argv: readonly string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  let options: TypesOptions | undefined;
  try {
    options = parseTypesArgs(argv, io, env);
  } catch (error) {
    io.err(`permissio-server: ${(error as Error).message}\nRun "permissio-server types --help" for usage.`);
    return 2;
  }
  if (options === undefined) return 0;
  let resources: ResourceShape[];
  try {
    resources = options.seed !== undefined ? shapeOfSnapshot(readSeed(options.seed)) : await shapeOfServer(options);
  } catch (error) {
    const where = options.seed !== undefined ? 'the seed file' : `the server at ${options.url}`;
    io.err(`permissio-server types: cannot read the policy from ${where}: ${(error as Error).message}`);
    return 1;
  }
  const regenerate = regenerateCommand(options);
  const text = renderDeclaration(resources, regenerate);
  if (options.check) return checkFile(options.out, text, regenerate, io);
  try {
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, text);
  } catch (error) {
    io.err(`permissio-server types: cannot write ${JSON.stringify(options.out)}: ${(error as Error).message}`);
    return 1;
  }
  io.out(`Wrote ${options.out}: ${resources.length} resource type(s).`);
  return 0;
}

/**
 * The declaration without its header comment: the header names the command that wrote it, which may spell the
 * same seed or server differently (`./policy.json`, `policy.json`) without the file being stale.
 */
function declarationBody(text: string): string {
  const normalised = text.replace(/\r\n/g, '\n');
  const start = normalised.indexOf(BODY_START);
  return start === -1 ? normalised : normalised.slice(start);
}

function checkFile(path: string, expected: string, regenerate: string, io: CliIo): number {
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== undefined && declarationBody(current) === declarationBody(expected)) {
    io.out(`${path} is up to date.`);
    return 0;
  }
  const what = current === undefined ? 'is missing' : 'is out of date with the policy';
  io.err(`permissio-server types --check: ${path} ${what}. Regenerate it with: ${regenerate}`);
  return 1;
}
