/**
 * `pnpm add @permissio/server` with pnpm 10 skips better-sqlite3's build
 * script, and the driver then fails with "Could not locate the bindings
 * file". Simulated here by a better-sqlite3 whose binding does not load: the
 * start fails with a message naming the exact fix, through the CLI too.
 */
import { describe, expect, it, vi } from 'vitest';

const BINDINGS_ERROR =
  'Could not locate the bindings file. Tried:\n → /app/node_modules/better-sqlite3/build/better_sqlite3.node';

vi.mock('better-sqlite3', () => ({
  default: class {
    constructor() {
      throw new Error(BINDINGS_ERROR);
    }
  },
}));

const { main } = await import('../src/cli/main.js');
const { SqliteBindingError, SqliteStorage, startServer } = await import('../src/index.js');
const { explainSqliteLoadError, openSqlite } = await import('../src/sqlite-driver.js');

describe('better-sqlite3 without its native binding', () => {
  it('startServer fails with SqliteBindingError naming the fix', async () => {
    const failure = startServer({ port: 0, database: ':memory:' });
    await expect(failure).rejects.toBeInstanceOf(SqliteBindingError);
    await expect(failure).rejects.toThrow(/pnpm approve-builds/);
    await expect(failure).rejects.toThrow(/onlyBuiltDependencies: \[better-sqlite3\]/);
    await expect(failure).rejects.toThrow(/npm rebuild better-sqlite3/);
    expect(() => new SqliteStorage(':memory:')).toThrow(SqliteBindingError);
  });

  it('the CLI exits 1 and prints the fix, not a stack trace', async () => {
    let out = '';
    let err = '';
    const code = await main({
      argv: ['--port', '0', '--db', ':memory:'],
      env: {},
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
    });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/^permissio-server: The SQLite driver better-sqlite3 is installed without its native binding/);
    expect(err).toContain('pnpm approve-builds');
    expect(err).toContain('pnpm rebuild better-sqlite3');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('a binding built for another Node.js names the rebuild; other errors pass through unchanged', () => {
    const abi = explainSqliteLoadError(
      new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.'),
    );
    expect(abi).toBeInstanceOf(SqliteBindingError);
    expect((abi as Error).message).toContain('npm rebuild better-sqlite3');
    const other = new Error('unable to open database file');
    expect(() =>
      openSqlite('/x.db', () => {
        throw other;
      }),
    ).toThrow(other);
  });
});
