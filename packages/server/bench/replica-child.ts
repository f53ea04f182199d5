/**
 * Cluster bench fixture, run as a child process: one Permissio server on
 * DATABASE (a postgres:// URL, or :memory: for SQLite), seeded with the
 * bench policy, rate limits and logging off. Prints one JSON line `{url}`.
 */
import { startServer } from '../src/index.js';
import { BENCH_KEY, BENCH_POLICY, BENCH_SCOPE } from './policy.js';

const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  database: process.env.DATABASE ?? ':memory:',
  apiKeys: [{ key: BENCH_KEY, ...BENCH_SCOPE }],
  seed: BENCH_POLICY,
  rateLimits: false,
  logger: false,
  pollInterval: 1000,
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
