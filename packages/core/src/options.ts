/**
 * Options of the {@link Permissio} client, the {@link ConfigBuilder}, and
 * their eager validation. Nothing here reads `process.env`: configuration is
 * explicit.
 */
import { PermissioValidationError } from './errors.js';
import type { Logger } from './logger.js';
import type { DecisionListener } from './decision-events.js';
import { instrumentationProblem, type PermissioInstrumentation } from './instrumentation.js';
import type { Pdp } from './types.js';

/** Prefix of every Permissio API key. */
export const TOKEN_PREFIX = 'permis_key_';
/** Default API base URL (the Permissio cloud). */
export const DEFAULT_API_URL = 'https://api.permissio.io';
/** Default budget of a management call, in milliseconds (retries included). */
export const DEFAULT_TIMEOUT = 30_000;
/** Default budget of one check, in milliseconds (retries included). */
export const DEFAULT_CHECK_TIMEOUT = 2_000;
/** Default number of retries after the first attempt. */
export const DEFAULT_RETRY_ATTEMPTS = 3;
/** Largest response body the HTTP client reads (management lists, exports), in bytes: 32 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** Largest decision answer (`check`, `checkDetailed`, `bulkCheck`) read, in bytes: 1 MiB. */
export const MAX_DECISION_BYTES = 1024 * 1024;

/** Largest timer delay every runtime accepts (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;
/**
 * The smallest `timeout` / `checkTimeout`, in milliseconds. Smaller values are
 * refused because they look like seconds (`timeout: 30` from the Python SDK
 * would otherwise silently become 30 ms).
 */
export const MIN_TIMEOUT_MS = 100;
const MAX_RETRY_ATTEMPTS = 10;

/** The `fetch` function the HTTP transport uses (the global one by default). */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Connection settings of a remote PDP, as built by {@link ConfigBuilder}.
 * Pass it as `new Permissio({ config })`.
 */
export interface PermissioConfig {
  /** API key, `permis_key_…`. */
  readonly token: string;
  /** @defaultValue `"https://api.permissio.io"` */
  readonly apiUrl: string;
  /** Auto-detected from the key (`GET /v1/api-key/scope`) when absent. */
  readonly projectId?: string;
  /** Auto-detected from the key (`GET /v1/api-key/scope`) when absent. */
  readonly environmentId?: string;
  /** @defaultValue `30_000` */
  readonly timeout: number;
  /** @defaultValue `2_000` */
  readonly checkTimeout: number;
  /** @defaultValue `3` */
  readonly retryAttempts: number;
  /** @defaultValue `false` */
  readonly debug: boolean;
  /** @defaultValue `{}` */
  readonly customHeaders: Readonly<Record<string, string>>;
  /** @defaultValue `33_554_432` (32 MiB) */
  readonly maxResponseBytes: number;
}

/**
 * Options of `new Permissio(options)`. Give exactly one of `token` (remote
 * PDP over HTTP), `config` (remote PDP, from a {@link ConfigBuilder}) or
 * `pdp` (any {@link Pdp}, e.g. `createEngine()` from `@permissio/engine`, the
 * embedded default that needs no token and no network).
 *
 * Every option is validated when the client is constructed; a bad option
 * throws `PermissioValidationError` right there, never on the first call.
 *
 * @typeParam TThrow - the type of `throwOnError`, inferred: `true` (default)
 * or `false`; with `false` the return types of non-check methods include `null`.
 */
export interface PermissioOptions<TThrow extends boolean = boolean> {
  /**
   * API key of a remote PDP (the Permissio cloud or `@permissio/server`).
   * Must start with `permis_key_`. Never logged, never in an error message.
   */
  token?: string;
  /**
   * Base URL of the remote PDP.
   * @defaultValue `"https://api.permissio.io"`
   */
  apiUrl?: string;
  /**
   * Project of the API key. When absent (with `environmentId`), both are
   * detected once with `GET /v1/api-key/scope` on first need and cached.
   */
  projectId?: string;
  /** Environment of the API key; see `projectId`. */
  environmentId?: string;
  /**
   * Total budget of one management call in milliseconds, retries included.
   * Values below 100 ({@link MIN_TIMEOUT_MS}) are refused: they look like seconds.
   * @defaultValue `30_000`
   */
  timeout?: number;
  /**
   * Total budget of one check (`check`, `checkDetailed`, `bulkCheck`,
   * `checkPermissions`, `getUserPermissions`) in milliseconds, retries and
   * back-off included. A check never takes longer than this. Values below
   * 100 ({@link MIN_TIMEOUT_MS}) are refused: they look like seconds.
   * @defaultValue `2_000`
   */
  checkTimeout?: number;
  /**
   * Retries after the first attempt, on network errors, timeouts, 408, 429,
   * 502, 503 and 504 (never on other 4xx, never on non-idempotent creates).
   * `0` disables retries.
   * @defaultValue `3`
   */
  retryAttempts?: number;
  /**
   * Logs every HTTP call (method, path, status, duration) at `debug` level,
   * with the token redacted.
   * @defaultValue `false`
   */
  debug?: boolean;
  /**
   * `true`: failures reject with a `PermissioError`.
   * `false`: failures are logged with `logger.error`; `check` and `bulkCheck`
   * resolve `false` (deny), every other method resolves `null`.
   * @defaultValue `true`
   */
  throwOnError?: TThrow;
  /**
   * Extra headers sent with every HTTP call (not `Authorization`).
   * @defaultValue `{}`
   */
  customHeaders?: Record<string, string>;
  /**
   * Largest response body the HTTP client reads, in bytes; a larger answer
   * is abandoned unread and the call fails (code `RESPONSE_TOO_LARGE`),
   * never allows. Decision answers are capped at 1 MiB or this, whichever is
   * smaller.
   * @defaultValue `33_554_432` (32 MiB)
   */
  maxResponseBytes?: number;
  /**
   * Where Permissio logs (`debug` traces, swallowed errors with
   * `throwOnError: false`).
   * @defaultValue the global `console`
   */
  logger?: Logger;
  /**
   * Connection settings built by {@link ConfigBuilder}; replaces `token`,
   * `apiUrl`, `projectId`, `environmentId`, `timeout`, `checkTimeout`,
   * `retryAttempts`, `debug` and `customHeaders`.
   */
  config?: PermissioConfig;
  /**
   * The policy decision point to use instead of HTTP, e.g. `createEngine()`.
   * A PDP you pass in is yours: `permissio.close()` does not close it.
   */
  pdp?: Pdp;
  /**
   * The `fetch` implementation of the HTTP transport.
   * @defaultValue `globalThis.fetch`
   */
  fetch?: FetchFunction;
  /**
   * Called for every decision this client or one of its request scopes makes
   * (docs/CLIENT.md, "Decision events"): decision id, timestamp, user, action,
   * resource, allowed, reason and `via` when explained, source (`cache`,
   * `pdp`, `batch`), latency, route (through an adapter). A listener that
   * throws never changes a decision; the error is logged once.
   * @defaultValue undefined (no events, no cost)
   */
  onDecision?: DecisionListener;
  /**
   * Operation tracing (spans): `permissioTelemetry()` from
   * `@permissio/opentelemetry`, or any {@link PermissioInstrumentation}. It
   * sees every check, bulk check and plan of this client and its request
   * scopes, and every HTTP call to a remote PDP. It never changes a decision.
   * @defaultValue undefined (no operations reported, no cost)
   */
  instrumentation?: PermissioInstrumentation;
}

const OPTION_KEYS = new Set<string>([
  'token',
  'apiUrl',
  'projectId',
  'environmentId',
  'timeout',
  'checkTimeout',
  'retryAttempts',
  'debug',
  'throwOnError',
  'customHeaders',
  'maxResponseBytes',
  'logger',
  'config',
  'pdp',
  'fetch',
  'onDecision',
  'instrumentation',
]);
/** Options that may accompany `config` (the rest would be ambiguous). */
const WITH_CONFIG = new Set(['config', 'throwOnError', 'logger', 'fetch', 'onDecision', 'instrumentation']);
/** Options that may accompany `pdp`. */
const WITH_PDP = new Set(['pdp', 'throwOnError', 'logger', 'debug', 'onDecision', 'instrumentation']);

/** Options after validation and defaults. */
export type ResolvedOptions =
  | {
      mode: 'pdp';
      pdp: Pdp;
      throwOnError: boolean;
      logger: Logger | undefined;
      debug: boolean;
      onDecision: DecisionListener | undefined;
      instrumentation: PermissioInstrumentation | undefined;
    }
  | {
      mode: 'remote';
      config: PermissioConfig;
      throwOnError: boolean;
      logger: Logger | undefined;
      fetch: FetchFunction | undefined;
      onDecision: DecisionListener | undefined;
      instrumentation: PermissioInstrumentation | undefined;
    };

function fail(message: string, details?: unknown): never {
  throw new PermissioValidationError(`Permissio: ${message}`, { code: 'INVALID_OPTIONS', details });
}

/** Validates an API key; the message never contains the key. */
export function assertToken(token: unknown): asserts token is string {
  if (typeof token !== 'string') {
    fail(`"token" must be a string (a Permissio API key starting with "${TOKEN_PREFIX}"), got ${typeof token}.`);
  }
  if (!token.startsWith(TOKEN_PREFIX) || token.length === TOKEN_PREFIX.length) {
    fail(`"token" is not a Permissio API key: it must start with "${TOKEN_PREFIX}".`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\s\u0000-\u001f\u007f]/.test(token)) {
    fail('"token" contains whitespace or a control character.');
  }
}

function checkMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    fail(`"${name}" must be a number of milliseconds between 1 and ${MAX_TIMER_MS}, got ${String(value)}.`);
  }
  if (value < MIN_TIMEOUT_MS) {
    // Python SDK habit: `timeout=30` means 30 seconds there, but would be 30 ms here.
    fail(
      `"${name}" is in milliseconds, and ${String(value)} ms looks like seconds (the Python SDK's unit): pass ` +
        `${String(value * 1000)} for ${String(value)} s. Values below ${MIN_TIMEOUT_MS} ms are refused.`,
      { option: name, value, minimum: MIN_TIMEOUT_MS },
    );
  }
  return value;
}

function checkBytes(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1024) {
    fail(`"maxResponseBytes" must be an integer number of bytes, at least 1024, got ${String(value)}.`);
  }
  return value;
}

function checkRetries(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_RETRY_ATTEMPTS) {
    fail(`"retryAttempts" must be an integer between 0 and ${MAX_RETRY_ATTEMPTS}, got ${String(value)}.`);
  }
  return value;
}

function checkUrl(value: unknown): string {
  if (typeof value !== 'string') fail(`"apiUrl" must be a string, got ${typeof value}.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`"apiUrl" is not a valid URL: ${JSON.stringify(value)}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(`"apiUrl" must be an http or https URL, got ${JSON.stringify(url.protocol)}.`);
  }
  if (url.username || url.password) fail('"apiUrl" must not contain credentials.');
  if (url.search || url.hash) fail('"apiUrl" must not contain a query or a fragment.');
  return url.href.replace(/\/+$/, '');
}

function checkId(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) fail(`"${name}" must be a non-empty string.`);
  return value;
}

function checkBool(name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(`"${name}" must be a boolean, got ${typeof value}.`);
  return value;
}

function checkHeaders(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('"customHeaders" must be an object of header names to string values.');
  }
  const out: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      fail(`"customHeaders": invalid header name ${JSON.stringify(name)}.`);
    if (name.toLowerCase() === 'authorization') {
      fail('"customHeaders" must not set Authorization; pass the API key as "token".');
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting NUL (header injection) is the point
    if (typeof headerValue !== 'string' || /[\r\n\u0000]/.test(headerValue)) {
      fail(`"customHeaders": the value of ${JSON.stringify(name)} must be a string without line breaks.`);
    }
    out[name] = headerValue;
  }
  return Object.freeze(out);
}

function checkLogger(value: unknown): Logger | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object')
    fail('"logger" must be an object with debug, info, warn and error methods.');
  const logger = value as Record<string, unknown>;
  for (const level of ['debug', 'info', 'warn', 'error']) {
    if (typeof logger[level] !== 'function') fail(`"logger.${level}" must be a function.`);
  }
  return value as Logger;
}

function checkPdp(value: unknown): Pdp {
  const pdp = value as Partial<Pdp> | null;
  if (
    pdp === null ||
    typeof pdp !== 'object' ||
    typeof pdp.check !== 'function' ||
    typeof pdp.bulkCheck !== 'function' ||
    (pdp.kind !== 'embedded' && pdp.kind !== 'remote')
  ) {
    fail(
      '"pdp" must implement the Pdp interface (kind, check, bulkCheck …), e.g. createEngine() from @permissio/engine.',
    );
  }
  return value as Pdp;
}

/** Builds a validated, frozen {@link PermissioConfig}. */
export function createConfig(input: {
  token?: unknown;
  apiUrl?: unknown;
  projectId?: unknown;
  environmentId?: unknown;
  timeout?: unknown;
  checkTimeout?: unknown;
  retryAttempts?: unknown;
  debug?: unknown;
  customHeaders?: unknown;
  maxResponseBytes?: unknown;
}): PermissioConfig {
  assertToken(input.token);
  const projectId = checkId('projectId', input.projectId);
  const environmentId = checkId('environmentId', input.environmentId);
  const config: PermissioConfig = {
    token: input.token,
    apiUrl: input.apiUrl === undefined ? DEFAULT_API_URL : checkUrl(input.apiUrl),
    ...(projectId === undefined ? {} : { projectId }),
    ...(environmentId === undefined ? {} : { environmentId }),
    timeout: input.timeout === undefined ? DEFAULT_TIMEOUT : checkMs('timeout', input.timeout),
    checkTimeout:
      input.checkTimeout === undefined ? DEFAULT_CHECK_TIMEOUT : checkMs('checkTimeout', input.checkTimeout),
    retryAttempts: input.retryAttempts === undefined ? DEFAULT_RETRY_ATTEMPTS : checkRetries(input.retryAttempts),
    debug: checkBool('debug', input.debug) ?? false,
    customHeaders: checkHeaders(input.customHeaders),
    maxResponseBytes:
      input.maxResponseBytes === undefined ? DEFAULT_MAX_RESPONSE_BYTES : checkBytes(input.maxResponseBytes),
  };
  // Keep the token out of util.inspect / JSON dumps of the config.
  Object.defineProperty(config, 'token', { enumerable: false });
  return Object.freeze(config);
}

function isConfig(value: unknown): value is PermissioConfig {
  return value !== null && typeof value === 'object' && typeof (value as { token?: unknown }).token === 'string';
}

/** Validates `new Permissio(options)` and applies the defaults. */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail('options must be an object: { token } for a remote PDP, or { pdp: createEngine() } for the embedded engine.');
  }
  const input = options as PermissioOptions;
  const given = Object.keys(input).filter((key) => (input as Record<string, unknown>)[key] !== undefined);
  const unknown = given.filter((key) => !OPTION_KEYS.has(key));
  if (unknown.length > 0) {
    fail(
      `unknown option(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; known: ${[...OPTION_KEYS].join(', ')}.`,
    );
  }
  const sources = ['token', 'config', 'pdp'].filter((key) => given.includes(key));
  if (sources.length === 0) {
    fail(
      'give "token" (remote PDP), "config" (from ConfigBuilder) or "pdp" (e.g. createEngine() from @permissio/engine).',
    );
  }
  if (sources.length > 1) fail(`give only one of "token", "config" and "pdp", got ${sources.join(' and ')}.`);

  const throwOnError = checkBool('throwOnError', input.throwOnError) ?? true;
  const logger = checkLogger(input.logger);
  if (input.fetch !== undefined && typeof input.fetch !== 'function') fail('"fetch" must be a function.');
  const onDecision = input.onDecision;
  if (onDecision !== undefined && typeof onDecision !== 'function') {
    fail('"onDecision" must be a function (event) => void.');
  }
  const instrumentationError = instrumentationProblem(input.instrumentation);
  if (instrumentationError !== undefined) fail(instrumentationError);
  const instrumentation = input.instrumentation;

  if (sources[0] === 'pdp') {
    const extra = given.filter((key) => !WITH_PDP.has(key));
    if (extra.length > 0)
      fail(`${extra.join(', ')} cannot be combined with "pdp" (they configure the HTTP transport).`);
    return {
      mode: 'pdp',
      pdp: checkPdp(input.pdp),
      throwOnError,
      logger,
      debug: checkBool('debug', input.debug) ?? false,
      onDecision,
      instrumentation,
    };
  }
  if (sources[0] === 'config') {
    const extra = given.filter((key) => !WITH_CONFIG.has(key));
    if (extra.length > 0) fail(`${extra.join(', ')} cannot be combined with "config"; set them on the ConfigBuilder.`);
    if (!isConfig(input.config)) fail('"config" must come from new ConfigBuilder(token)….build().');
    // Re-validate: a hand-written config object gets the same checks and defaults.
    const c = input.config;
    return {
      mode: 'remote',
      config: createConfig({
        token: c.token,
        apiUrl: c.apiUrl,
        projectId: c.projectId,
        environmentId: c.environmentId,
        timeout: c.timeout,
        checkTimeout: c.checkTimeout,
        retryAttempts: c.retryAttempts,
        debug: c.debug,
        customHeaders: c.customHeaders,
        maxResponseBytes: c.maxResponseBytes,
      }),
      throwOnError,
      logger,
      fetch: input.fetch,
      onDecision,
      instrumentation,
    };
  }
  return {
    mode: 'remote',
    config: createConfig(input),
    throwOnError,
    logger,
    fetch: input.fetch,
    onDecision,
    instrumentation,
  };
}

/**
 * Fluent builder of a {@link PermissioConfig}:
 *
 * ```ts
 * const config = new ConfigBuilder('permis_key_…').withProjectId('p').withEnvironmentId('e')
 *   .withApiUrl('http://127.0.0.1:7766').withTimeout(10_000).withRetryAttempts(2).withDebug(true).build();
 * const permissio = new Permissio({ config });
 * ```
 *
 * The token is validated by the constructor; everything else by `build()`.
 */
export class ConfigBuilder {
  readonly #token: string;
  #apiUrl: string | undefined;
  #projectId: string | undefined;
  #environmentId: string | undefined;
  #timeout: number | undefined;
  #checkTimeout: number | undefined;
  #retryAttempts: number | undefined;
  #debug: boolean | undefined;
  #customHeaders: Record<string, string> | undefined;
  #maxResponseBytes: number | undefined;

  constructor(token: string) {
    assertToken(token);
    this.#token = token;
  }
  /** @defaultValue `"https://api.permissio.io"` */
  withApiUrl(apiUrl: string): this {
    this.#apiUrl = apiUrl;
    return this;
  }
  /** Project of the key; auto-detected when absent. */
  withProjectId(projectId: string): this {
    this.#projectId = projectId;
    return this;
  }
  /** Environment of the key; auto-detected when absent. */
  withEnvironmentId(environmentId: string): this {
    this.#environmentId = environmentId;
    return this;
  }
  /** Budget of a management call in ms. @defaultValue `30_000` */
  withTimeout(timeout: number): this {
    this.#timeout = timeout;
    return this;
  }
  /** Budget of one check in ms, retries included. @defaultValue `2_000` */
  withCheckTimeout(checkTimeout: number): this {
    this.#checkTimeout = checkTimeout;
    return this;
  }
  /** Retries after the first attempt. @defaultValue `3` */
  withRetryAttempts(retryAttempts: number): this {
    this.#retryAttempts = retryAttempts;
    return this;
  }
  /** Log every HTTP call at debug level. @defaultValue `false` */
  withDebug(debug = true): this {
    this.#debug = debug;
    return this;
  }
  /** Extra headers of every HTTP call. @defaultValue `{}` */
  withCustomHeaders(headers: Record<string, string>): this {
    this.#customHeaders = { ...this.#customHeaders, ...headers };
    return this;
  }
  /** Largest response body read, in bytes. @defaultValue `33_554_432` (32 MiB) */
  withMaxResponseBytes(maxResponseBytes: number): this {
    this.#maxResponseBytes = maxResponseBytes;
    return this;
  }
  /** Validates and freezes the configuration. */
  build(): PermissioConfig {
    return createConfig({
      token: this.#token,
      apiUrl: this.#apiUrl,
      projectId: this.#projectId,
      environmentId: this.#environmentId,
      timeout: this.#timeout,
      checkTimeout: this.#checkTimeout,
      retryAttempts: this.#retryAttempts,
      debug: this.#debug,
      customHeaders: this.#customHeaders,
      maxResponseBytes: this.#maxResponseBytes,
    });
  }
}
