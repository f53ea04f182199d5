/**
 * Opening the SQLite database through better-sqlite3, whose native binding
 * is built by an install script. pnpm 10 skips dependency build scripts
 * unless allowed, and a binding built for another Node.js does not load: in
 * both cases the start fails with an error that names the exact fix.
 */
import Database from 'better-sqlite3';

/** Opens a database file (or `':memory:'`). */
export type OpenSqlite = (path: string) => Database.Database;

/** better-sqlite3 itself. */
export const openBetterSqlite: OpenSqlite = (path) => new Database(path);

/** better-sqlite3's native part cannot be loaded; the message says how to fix the installation. */
export class SqliteBindingError extends Error {
  override name = 'SqliteBindingError';
}

const NOT_BUILT = /Could not locate the bindings file|Cannot find module .*better_sqlite3\.node/i;
const WRONG_ABI = new RegExp(
  [
    'NODE_MODULE_VERSION',
    'compiled against a different Node\\.js version',
    'Module did not self-register',
    'invalid ELF header',
    'wrong ELF class',
    'not a valid Win32 application',
  ].join('|'),
  'i',
);

const HOW_TO_BUILD =
  'Fix it with your package manager:\n' +
  '  pnpm: run "pnpm approve-builds" and select better-sqlite3 (or allow it once for all: add\n' +
  '        "onlyBuiltDependencies: [better-sqlite3]" to pnpm-workspace.yaml, or\n' +
  '        "pnpm": { "onlyBuiltDependencies": ["better-sqlite3"] } to package.json),\n' +
  '        then run "pnpm rebuild better-sqlite3"\n' +
  '  npm:  run "npm rebuild better-sqlite3"';

/** A failure to load better-sqlite3's binding as a {@link SqliteBindingError}; other errors as they are. */
export function explainSqliteLoadError(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (NOT_BUILT.test(message)) {
    return new SqliteBindingError(
      'The SQLite driver better-sqlite3 is installed without its native binding: its build script did not run ' +
        "(pnpm 10 skips dependencies' build scripts unless they are allowed).\n" +
        HOW_TO_BUILD,
      { cause: error },
    );
  }
  if (WRONG_ABI.test(message)) {
    return new SqliteBindingError(
      'The SQLite driver better-sqlite3 was built for another Node.js version or platform than this one ' +
        `(${process.version}, ${process.platform}-${process.arch}).\n` +
        HOW_TO_BUILD,
      { cause: error },
    );
  }
  return error;
}

/** Opens `path` with `open`, explaining a driver that cannot load. */
export function openSqlite(path: string, open: OpenSqlite = openBetterSqlite): Database.Database {
  try {
    return open(path);
  } catch (error) {
    throw explainSqliteLoadError(error);
  }
}
