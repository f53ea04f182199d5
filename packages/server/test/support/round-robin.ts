/** A small HTTP load balancer on 127.0.0.1: each request goes to the next target in turn; it records what passed. */
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** One request as it went through. */
export interface Passed {
  method: string;
  url: string;
  target: number;
  body: unknown;
  status: number;
  revision: string | null;
}

export interface RoundRobin {
  readonly url: string;
  readonly passed: Passed[];
  close(): Promise<void>;
}

async function readAll(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk.toString();
  return text;
}

/** Starts a balancer over `targets` (base URLs). */
export async function startRoundRobin(targets: readonly string[]): Promise<RoundRobin> {
  let next = 0;
  const passed: Passed[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const target = next++ % targets.length;
      const text = await readAll(request);
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type', 'x-permissio-sdk']) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const answer = await fetch(`${targets[target]}${request.url}`, {
        method: request.method ?? 'GET',
        headers,
        body: text === '' ? undefined : text,
      });
      const body = await answer.text();
      passed.push({
        method: request.method ?? 'GET',
        url: request.url ?? '',
        target,
        body: text === '' ? undefined : JSON.parse(text),
        status: answer.status,
        revision: answer.headers.get('permissio-revision'),
      });
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value;
      });
      response.writeHead(answer.status, out);
      response.end(body);
    })().catch(() => {
      response.statusCode = 502;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    passed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
