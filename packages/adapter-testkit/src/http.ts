/**
 * Node-only helpers for the matrix: a raw HTTP client (the path reaches the
 * server byte for byte, unlike `fetch`/inject which normalise `..`) and a
 * counting `fetch` for the HTTP transport (the silent server is in
 * silent-server.ts).
 * Everything listens on 127.0.0.1, port 0.
 */
import http from 'node:http';
import type { FetchFunction } from '@permissio/core';
import type { TestRequest, TestResponse } from './types.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Sends `request` to `baseUrl` with the path exactly as written (no normalisation). */
export function rawRequest(baseUrl: string, request: TestRequest): Promise<TestResponse> {
  const url = new URL(baseUrl);
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = { ...request.headers };
  if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const flat: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(res.headers))
            flat[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ status: res.statusCode ?? 0, headers: flat, text, body: parseBody(flat['content-type'], text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Parses a JSON body (any `…json` media type); other bodies stay text. */
export function parseBody(contentType: string | undefined, text: string): unknown {
  if (text.length === 0) return undefined;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** A `fetch` that counts the HTTP requests it sends (the real requests to the PDP). */
export interface CountingFetch extends FetchFunction {
  /** Requests sent since the last reset. */
  count: number;
  /** Paths of those requests. */
  paths: string[];
  reset(): void;
}

/** Wraps `globalThis.fetch` (or `base`) to count requests. */
export function countingFetch(base: FetchFunction = (input, init) => fetch(input, init)): CountingFetch {
  const counted = ((input: string, init: RequestInit) => {
    counted.count++;
    counted.paths.push(new URL(input).pathname);
    return base(input, init);
  }) as CountingFetch;
  counted.count = 0;
  counted.paths = [];
  counted.reset = () => {
    counted.count = 0;
    counted.paths = [];
  };
  return counted;
}
