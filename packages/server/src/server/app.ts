/** The Fastify instance: limits, logger, body parser and the error format shared by every answer. */
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { errorBody, toErrorAnswer } from '../errors.js';
import { DuplicateKeyError, findDuplicateKey } from './duplicate-keys.js';
import type { ServerLoggerOptions, ServerOptions } from './options.js';
import { redactUrl } from './redact-url.js';
import { recordRoutes } from './route-list.js';

function loggerOptions(logger: ServerLoggerOptions | undefined): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  const base = logger === true ? {} : logger;
  return {
    level: 'info',
    ...base,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization'], censor: '[redacted]' },
    serializers: {
      // Method, URL and peer only: never headers (the API key travels in one); a key in the query is redacted.
      req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
    },
  } as FastifyServerOptions['logger'];
}

/** The app and a switch that makes every later answer carry `Connection: close`. */
export interface AppHandle {
  app: FastifyInstance;
  /** Called when closing starts. */
  startShutdown(): void;
}

/** Creates the Fastify app with the parser, hooks and handlers every route shares (no routes yet). */
export function createApp(options: ServerOptions): AppHandle {
  const app = Fastify({
    logger: loggerOptions(options.logger),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestTimeout: options.requestTimeout ?? 30_000,
    keepAliveTimeout: options.keepAliveTimeout ?? 72_000,
    forceCloseConnections: 'idle',
    // Requests still arriving on open connections while closing are served (with
    // `Connection: close`, see below) rather than refused in Fastify's own format.
    return503OnClosing: false,
    routerOptions: { maxParamLength: 4096, ignoreTrailingSlash: false },
    // Malformed percent-escapes in the URL: same error format as everything else.
    frameworkErrors: (error, _request, reply) => {
      const answer = toErrorAnswer(error);
      void (reply as unknown as FastifyReply).code(answer.status).send(answer.body);
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
  });

  app.decorateRequest('permissioKey', null);
  recordRoutes(app);

  // While closing, answer in-flight requests with `Connection: close`, so their
  // keep-alive sockets end with the response and close() does not wait for them.
  let shuttingDown = false;
  app.addHook('onSend', function closeWhenShuttingDown(_request, reply, payload, done) {
    if (shuttingDown) void reply.header('connection', 'close');
    done(null, payload);
  });

  // An empty body with a JSON content type is "no body" (PUT …/extends/{parent} has none).
  // `__proto__` and `constructor` keys are ordinary data (docs/MODEL.md, "Keys"), as in
  // the embedded engine: JSON.parse makes them own properties, and nothing here
  // assigns a body into another object (the engine defines keys, never assigns them).
  const jsonParser = app.getDefaultJsonParser('ignore', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    jsonParser(request, text, (error, value) => {
      if (error) return done(error, undefined);
      const duplicate = findDuplicateKey(text);
      if (duplicate !== undefined) return done(new DuplicateKeyError(duplicate.key, duplicate.field), undefined);
      done(null, value);
    });
  });
  // Only JSON bodies: anything else (text/plain included) is a 415, not a string body.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error, request, reply) => {
    const answer = toErrorAnswer(error);
    if (answer.internal) request.log.error({ err: error }, 'request failed');
    if (answer.headers) void reply.headers(answer.headers);
    void reply.code(answer.status).send(answer.body);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(errorBody('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`));
  });

  return {
    app,
    startShutdown: () => {
      shuttingDown = true;
    },
  };
}
