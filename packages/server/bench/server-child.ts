/**
 * Bench fixture, run as a child process: the Permissio server (in-memory,
 * seeded, rate limits and logging off) and a bare node:http server that
 * answers a constant JSON body. Prints one JSON line with both URLs.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer } from '../src/index.js';
import { BENCH_KEY, BENCH_POLICY, BENCH_SCOPE } from './policy.js';

const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  database: ':memory:',
  apiKeys: [{ key: BENCH_KEY, ...BENCH_SCOPE }],
  seed: BENCH_POLICY,
  rateLimits: false,
  logger: false,
});

const body = JSON.stringify({ allowed: true });
const bare = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
bare.keepAliveTimeout = 72_000;
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));

process.stdout.write(
  `${JSON.stringify({ server: server.url, bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}` })}\n`,
);

process.once('SIGTERM', () => {
  bare.close();
  void server.close().then(() => process.exit(0));
});
