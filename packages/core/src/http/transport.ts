/**
 * One HTTP call with a total time budget, retries and error mapping, over
 * the global `fetch` (no Node-only API).
 *
 * Retry policy: on network errors, timeouts of an attempt, 408, 429, 502,
 * 503 and 504 — never on other 4xx, never for a non-idempotent request
 * (`retry: false`, the POST creates of docs/REST.md). Back-off is exponential
 * with full jitter; a `Retry-After` (seconds or HTTP date) is honoured when it
 * fits in the remaining budget and fails fast otherwise. The budget covers
 * every attempt and every wait: a call never outlives it.
 *
 * Hostile answers fail closed: a redirect is never followed (a 3xx is an
 * error, code `UNEXPECTED_REDIRECT`), a body larger than the request's
 * `maxBytes` is abandoned unread (code `RESPONSE_TOO_LARGE`), a JSON answer
 * with a duplicate key is malformed, and the API key is redacted from every
 * piece of remote content an error carries (message, code, details, cause).
 */
import {
  PermissioApiError,
  PermissioError,
  PermissioNetworkError,
  PermissioTimeoutError,
  type PermissioValidationError,
  errorFromStatus,
} from '../errors.js';
import { redact, type Logger } from '../logger.js';
import type { FetchFunction } from '../options.js';
import { hasDuplicateKey } from './json.js';

const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);
const BACKOFF_BASE_MS = 50;
const BACKOFF_CAP_MS = 2_000;

/** Settings of a {@link Transport}. */
export interface TransportOptions {
  token: string;
  apiUrl: string;
  retryAttempts: number;
  headers: Readonly<Record<string, string>>;
  debug: boolean;
  logger: Logger;
  fetch: FetchFunction | undefined;
}

/** One call. */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path from the API root, query string included. */
  path: string;
  body?: unknown;
  /** Total budget in ms, retries included. */
  budget: number;
  /** `false` for non-idempotent requests. */
  retry: boolean;
  /** Largest response body accepted, in bytes; a larger one fails the call. */
  maxBytes: number;
}

/** What came back: the status and the parsed JSON body (`undefined` for an empty body). */
export interface TransportResponse {
  status: number;
  body: unknown;
  /** The `Permissio-Revision` header, when the server sent one. */
  revision?: string;
}

class AttemptTimeout extends Error {}

/** A body over the size cap: not retried (the next answer would be the same). */
class BodyTooLarge extends Error {
  constructor(
    readonly limit: number,
    readonly status: number,
  ) {
    super('response body too large');
  }
}

/** Nesting beyond which remote details are cut rather than walked. */
const MAX_DETAILS_DEPTH = 32;

/** `value` with `secret` redacted from every string in it, keys included. */
export function redactDeep(value: unknown, secret: string, depth = 0): unknown {
  if (typeof value === 'string') return redact(value, secret);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DETAILS_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secret, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, redact(key, secret), {
      value: redactDeep(item, secret, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Parses `Retry-After` (delta-seconds or HTTP date) into seconds, or `undefined`. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}

/** Full-jitter exponential back-off for retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  return random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** HTTP client of the REST API. */
export class Transport {
  readonly #options: TransportOptions;
  readonly #headers: Record<string, string>;
  #closed = false;
  /** Aborters of the attempts and sleeps in flight, called by `close()`. */
  readonly #inFlight = new Set<() => void>();

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#headers = {
      accept: 'application/json',
      ...options.headers,
      authorization: `Bearer ${options.token}`,
    };
  }

  /** Aborts every call in flight; later calls reject. */
  close(): void {
    this.#closed = true;
    for (const abort of [...this.#inFlight]) abort();
    this.#inFlight.clear();
  }

  get closed(): boolean {
    return this.#closed;
  }

  #redact(text: string): string {
    return redact(text, this.#options.token);
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const started = Date.now();
    const deadline = started + req.budget;
    const maxAttempts = req.retry ? this.#options.retryAttempts + 1 : 1;
    const url = this.#options.apiUrl + req.path;
    const label = `${req.method} ${req.path}`;
    const headers: Record<string, string> =
      req.body === undefined ? this.#headers : { ...this.#headers, 'content-type': 'application/json' };
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    let lastError: PermissioError | undefined;

    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (this.closed) throw new PermissioError('Permissio client is closed.', { code: 'CLIENT_CLOSED' });
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw this.#timeout(label, req.budget, lastError);

      const attemptStarted = Date.now();
      let error: PermissioError;
      let retryAfterMs: number | undefined;
      try {
        // A non-final attempt gets half of what is left, so a stalled attempt
        // still leaves room for a retry; the final attempt gets the rest.
        const attemptBudget = attempt + 1 < maxAttempts ? Math.max(remaining / 2, Math.min(remaining, 100)) : remaining;
        const response = await this.#attempt(url, req.method, headers, body, attemptBudget, req.maxBytes);
        this.#trace(label, String(response.status), attemptStarted, attempt);
        if (response.redirected) throw this.#redirect(label, response.status);
        if (response.status >= 200 && response.status < 300) {
          const answer: TransportResponse = {
            status: response.status,
            body: this.#parse(response.text, response.status, label),
          };
          if (response.revision !== undefined) answer.revision = response.revision;
          return answer;
        }
        error = this.#errorFromResponse(response.status, response.text, response.retryAfter, label);
        if (!RETRYABLE_STATUS.has(response.status)) throw error;
        if (response.retryAfter !== undefined) retryAfterMs = response.retryAfter * 1000;
      } catch (caught) {
        if (caught instanceof PermissioError) throw caught;
        if (this.closed)
          throw new PermissioError('Permissio client is closed.', { code: 'CLIENT_CLOSED', cause: caught });
        if (caught instanceof BodyTooLarge) {
          this.#trace(label, 'body too large', attemptStarted, attempt);
          throw new PermissioApiError(
            `Permissio: ${label}: the answer of ${this.#origin} is larger than ${caught.limit} bytes; it was abandoned unread (raise "maxResponseBytes" if the PDP is trusted and the answer legitimately that large).`,
            { statusCode: caught.status, code: 'RESPONSE_TOO_LARGE' },
          );
        }
        if (caught instanceof AttemptTimeout) {
          this.#trace(label, 'timeout', attemptStarted, attempt);
          error = new PermissioTimeoutError(
            `Permissio: ${label}: an attempt got no answer in time from ${this.#origin}.`,
          );
        } else {
          this.#trace(label, 'network error', attemptStarted, attempt);
          error = new PermissioNetworkError(
            `Permissio: ${label} failed: the PDP at ${this.#origin} could not be reached${networkReason(caught)}.`,
            { cause: caught },
          );
        }
      }
      lastError = error;
      if (attempt + 1 >= maxAttempts) break;

      const left = deadline - Date.now();
      if (retryAfterMs !== undefined && retryAfterMs > left) {
        // The server asks us to wait longer than the budget allows: fail now.
        throw error;
      }
      const wait = retryAfterMs ?? Math.min(backoffDelay(attempt), left);
      if (left - wait <= 5) break; // no room left for a useful attempt
      await this.#sleep(wait);
    }
    if (lastError instanceof PermissioTimeoutError || deadline - Date.now() <= 0) {
      throw this.#timeout(label, req.budget, lastError);
    }
    throw lastError ?? this.#timeout(label, req.budget, undefined);
  }

  async #attempt(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    timeoutMs: number,
    maxBytes: number,
  ): Promise<{
    status: number;
    text: string;
    retryAfter: number | undefined;
    redirected: boolean;
    revision?: string;
  }> {
    const controller = new AbortController();
    const onClose = (): void => controller.abort();
    if (this.#closed) onClose();
    else this.#inFlight.add(onClose);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const doFetch = this.#options.fetch ?? globalThis.fetch;
      // Never follow a redirect: the check would be re-sent to another
      // origin and its answer trusted (issue 10, #6).
      const init: RequestInit = { method, headers, signal: controller.signal, redirect: 'manual' };
      if (body !== undefined) init.body = body;
      const response = await doFetch(url, init);
      // A 3xx, or the opaque answer a browser gives for one under `manual`.
      const redirected = response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
      if (redirected) {
        await discard(response);
        return { status: response.status, text: '', retryAfter: undefined, redirected };
      }
      // The body read is covered by the same timer: a server that sends
      // headers and then stalls still ends the attempt on time.
      const text = await readBody(response, maxBytes);
      return {
        status: response.status,
        text,
        retryAfter: parseRetryAfter(response.headers.get('retry-after')),
        redirected,
        revision: response.headers.get('permissio-revision') ?? undefined,
      };
    } catch (error) {
      if (timedOut) throw new AttemptTimeout();
      if (error instanceof BodyTooLarge) controller.abort();
      throw error;
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(onClose);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#inFlight.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (this.#closed) done();
      else this.#inFlight.add(done);
    });
  }

  #timeout(label: string, budget: number, cause: PermissioError | undefined): PermissioTimeoutError {
    return new PermissioTimeoutError(`Permissio: ${label} got no answer within ${budget} ms.`, {
      ...(cause === undefined ? {} : { cause }),
    });
  }

  #parse(text: string, status: number, label: string): unknown {
    if (text === '') return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      // V8's message quotes the body, which may echo the key.
      const message = cause instanceof Error ? this.#redact(cause.message) : 'invalid JSON';
      throw malformed(label, status, 'the body is not JSON', new SyntaxError(message));
    }
    if (hasDuplicateKey(text)) throw malformed(label, status, 'an object has the same key twice');
    return parsed;
  }

  #redirect(label: string, status: number): PermissioApiError {
    return new PermissioApiError(
      `Permissio: ${label} answered HTTP ${status} (a redirect) from ${this.#origin}; redirects are never followed — set "apiUrl" to the PDP's final address.`,
      { statusCode: status, code: 'UNEXPECTED_REDIRECT' },
    );
  }

  /** Where calls go, for messages: scheme, host and port only. */
  get #origin(): string {
    try {
      return new URL(this.#options.apiUrl).origin;
    } catch {
      return 'the configured apiUrl';
    }
  }

  #errorFromResponse(
    status: number,
    text: string,
    retryAfter: number | undefined,
    label: string,
  ): PermissioApiError | PermissioValidationError {
    let code: string | undefined;
    let message = `Permissio: ${label} answered HTTP ${status}.`;
    let details: unknown;
    try {
      const parsed: unknown = JSON.parse(text);
      const inner = isRecord(parsed) ? parsed.error : undefined;
      if (isRecord(inner)) {
        // Remote content: a proxy may echo the Authorization header anywhere in it.
        if (typeof inner.code === 'string') code = this.#redact(inner.code);
        if (typeof inner.message === 'string') message = this.#redact(inner.message);
        details = redactDeep(inner.details, this.#options.token);
      }
    } catch {
      // Not JSON (an HTML error page from a proxy …): keep the generic message.
    }
    return errorFromStatus(status, message, {
      ...(code === undefined ? {} : { code }),
      ...(details === undefined ? {} : { details }),
      ...(status === 429 ? { retryAfter: retryAfter ?? 0 } : {}),
    });
  }

  #trace(label: string, outcome: string, started: number, attempt: number): void {
    if (!this.#options.debug) return;
    const retry = attempt > 0 ? ` (retry ${attempt})` : '';
    this.#options.logger.debug(this.#redact(`[permissio] ${label} → ${outcome} in ${Date.now() - started} ms${retry}`));
  }
}

/**
 * Reads a body of at most `maxBytes` bytes: a `Content-Length` over the cap
 * fails before reading, a stream that passes it is cancelled at the cap.
 */
async function readBody(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await discard(response);
    throw new BodyTooLarge(maxBytes, response.status);
  }
  const stream = response.body;
  if (stream === null || typeof stream?.getReader !== 'function') {
    // A fetch double without a body stream: read, then check.
    const text = await response.text();
    if (text.length > maxBytes) throw new BodyTooLarge(maxBytes, response.status);
    return text;
  }
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(maxBytes, response.status);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** Drops an unread body so its connection is released. */
async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already consumed, or a fetch double without a stream: nothing to release.
  }
}

/** `" (ECONNREFUSED)"` from a fetch failure's cause, when it has a code. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = cause !== null && typeof cause === 'object' ? cause.code : undefined;
  return typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) ? ` (${code})` : '';
}

/** The error of an answer that does not have the documented shape: never read as an allow. */
export function malformed(label: string, status: number, why: string, cause?: unknown): PermissioApiError {
  return new PermissioApiError(`Permissio: malformed answer to ${label}: ${why}.`, {
    statusCode: status,
    code: 'MALFORMED_RESPONSE',
    ...(cause === undefined ? {} : { cause }),
  });
}

export { RETRYABLE_STATUS };
