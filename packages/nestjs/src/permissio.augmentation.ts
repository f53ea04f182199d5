/**
 * `req.permissio` on Express's `Request` (the global `Express` namespace, so
 * nothing is imported from Express and Fastify-only apps are unaffected).
 * Declared exactly as `@permissio/express` declares it, so both packages can
 * be installed together. On Fastify, type the request with `PermissioRequest`
 * or read the scope with `@PermissioScope()` / `getPermissioScope(request)`.
 */
import type { RequestScope } from '@permissio/core';

declare global {
  namespace Express {
    interface Request {
      /**
       * The request's decision cache, set by `PermissioGuard` at the request's
       * first decision (and by `@permissio/express`'s middleware). Undefined
       * on requests no guard or middleware ran for.
       */
      permissio?: RequestScope | undefined;
    }
  }
}
