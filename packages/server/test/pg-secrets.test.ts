/** A PostgreSQL URL's password never appears in the CLI's output, errors or logs. */
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { redactDatabaseUrl, scrubDatabaseUrl } from '../src/database-url.js';
import { startServer } from '../src/index.js';
import { freshDatabase } from './support/test-database.js';

function capture() {
  let text = '';
  return { stream: { write: (t: string) => (text += t) }, text: () => text };
}

describe('database passwords stay secret', () => {
  it('redacts the password and the query of a URL', () => {
    expect(redactDatabaseUrl('postgres://app:hunter2@db.internal:5432/authz?sslpassword=x')).toBe(
      'postgres://app:***@db.internal:5432/authz',
    );
    expect(redactDatabaseUrl('./permissio.db')).toBe('./permissio.db');
    expect(
      scrubDatabaseUrl('failed for postgres://app:hunter2@h/d: hunter2', 'postgres://app:hunter2@h/d'),
    ).not.toContain('hunter2');
  });

  it('a database that refuses the connection: exit 1, a message without the password', async () => {
    const out = capture();
    const err = capture();
    const code = await main({
      argv: ['--port', '0', '--log-level', 'silent'],
      env: { PERMISSIO_DATABASE_URL: 'postgres://app:pw-s3cr3t-value@127.0.0.1:1/authz' },
      stdout: out.stream,
      stderr: err.stream,
      stop: new Promise(() => undefined),
    });
    expect(code).toBe(1);
    expect(err.text()).toMatch(/PostgreSQL postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/authz/);
    expect(err.text() + out.text()).not.toContain('pw-s3cr3t-value');
  });

  it('a wrong password: the error names the database without it', async () => {
    const url = new URL(await freshDatabase());
    url.username = 'nobody_here';
    url.password = 'pw-wrong-s3cret';
    const logs = capture();
    const started = startServer({ port: 0, database: url.toString(), logger: { level: 'trace', stream: logs.stream } });
    await expect(started).rejects.toThrow(/postgres:\/\/nobody_here:\*\*\*@127\.0\.0\.1/);
    await started.catch((error: Error) => expect(`${error.message}${error.stack}`).not.toContain('pw-wrong-s3cret'));
    expect(logs.text()).not.toContain('pw-wrong-s3cret');
  });
});
