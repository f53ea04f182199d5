/** The CLI's observability flags (issue 15): --decision-log, --recent-decisions, --metrics. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { client, runCliInProcess, tempDir } from './helpers.js';

const KEY = 'permis_key_cli_observability_0123456789';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function run(args: string[]) {
  return runCliInProcess([...args, '--db', ':memory:', '--port', '0', '--api-key', KEY, '--log-level', 'silent'], (c) =>
    cleanups.push(c),
  );
}

const scoped = { projectId: 'default', environmentId: 'default' };

describe('permissio-server observability flags', () => {
  it('--decision-log stdout writes JSON lines; GET …/decisions and /metrics answer by default', async () => {
    const cli = run(['--decision-log', 'stdout']);
    const url = await cli.url;
    const api = client(url, KEY, scoped);
    expect((await api('POST', 'P/check', { user: 'nobody', action: 'read', resource: 'document' })).status).toBe(200);
    const lines = cli
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { user: 'nobody', action: 'read', allowed: false, project: 'default', environment: 'default' },
    ]);
    const recent = await api('GET', 'P/decisions?user=nobody');
    expect(recent.body.decisions).toHaveLength(1);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it('--decision-log <file> appends to the file; --metrics off and --recent-decisions 0 remove the routes', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'decisions.jsonl');
    const cli = run(['--decision-log', file, '--metrics', 'off', '--recent-decisions', '0']);
    const url = await cli.url;
    const api = client(url, KEY, scoped);
    await api('POST', 'P/check', { user: 'nobody', action: 'write', resource: 'document' });
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await api('GET', 'P/decisions')).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const record = JSON.parse(readFileSync(file, 'utf8').trim());
    expect(record).toMatchObject({ user: 'nobody', action: 'write', allowed: false });
  });

  it('bad values are usage errors (exit 2)', async () => {
    for (const args of [
      ['--metrics', 'everyone'],
      ['--recent-decisions', '-1'],
    ]) {
      const cli = run(args);
      expect(await cli.exit).toBe(2);
    }
  });
});
