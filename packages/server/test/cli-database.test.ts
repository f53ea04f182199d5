/** The CLI's database flags: --database (PostgreSQL or a path), PERMISSIO_DATABASE_URL, --poll-interval. */
import { describe, expect, it } from 'vitest';
import { parseCli, parseDuration, UsageError } from '../src/cli/args.js';
import { main } from '../src/cli/main.js';
import { freshDatabase } from './support/test-database.js';

const io = { out: () => undefined, err: () => undefined };

describe('CLI database flags', () => {
  it('parses --database, the environment variable and --poll-interval; refuses --db with --database', () => {
    expect(parseCli(['--database', 'postgres://h/db'], io)?.db).toBe('postgres://h/db');
    expect(parseCli([], io, { PERMISSIO_DATABASE_URL: 'postgres://env/db' })?.db).toBe('postgres://env/db');
    expect(parseCli(['--db', 'x.db'], io, { PERMISSIO_DATABASE_URL: 'postgres://env/db' })?.db).toBe('x.db');
    expect(parseCli([], io)?.db).toBe('./permissio.db');
    expect(() => parseCli(['--db', 'a', '--database', 'b'], io)).toThrow(UsageError);
    expect(parseCli([], io)?.pollInterval).toBe(1000);
    expect(parseDuration('500ms', '--poll-interval')).toBe(500);
    expect(parseDuration('2.5s', '--poll-interval')).toBe(2500);
    expect(parseDuration('250', '--poll-interval')).toBe(250);
    expect(() => parseDuration('1m', '--poll-interval')).toThrow(/--poll-interval must be a duration/);
    expect(() => parseDuration('5ms', '--poll-interval')).toThrow(UsageError);
  });

  it('--database postgres://… starts on PostgreSQL, seeds it, and a second start restores from it', async () => {
    const database = await freshDatabase();
    const seed = new URL('../../../examples/seed.yaml', import.meta.url).pathname;
    const run = async (args: string[]) => {
      let out = '';
      let stop: (signal: string) => void = () => undefined;
      const stopped = new Promise<string>((resolve) => {
        stop = resolve;
      });
      const code = main({
        argv: ['--port', '0', '--log-level', 'silent', '--no-rate-limit', '--database', database, ...args],
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: (t: string) => (out += t) },
        stop: stopped,
        onListening: () => stop('SIGTERM'),
      });
      expect(await code).toBe(0);
      return out;
    };
    const first = await run(['--seed', seed, '--api-key', 'permis_key_cli_database_0123456789']);
    expect(first).toMatch(/Loaded seed .* into project "default"/);
    const second = await run(['--seed', seed]);
    expect(second).toContain('NOT loaded');
    expect(second).toMatch(
      /Restored the policy of 1 project\/environment scope\(s\) from "postgres:\/\/postgres@127\.0\.0\.1/,
    );
    const third = await run(['--reset', '--seed', seed]);
    expect(third).toMatch(/--reset: emptied the policy stored in "postgres:\/\/.*" \(API keys kept\)/);
    expect(third).toMatch(/Loaded seed/);
  });
});
