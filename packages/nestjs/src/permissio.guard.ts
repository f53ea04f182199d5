/**
 * `PermissioGuard`: creates the request scope once per request and enforces
 * `@RequirePermission()`. Thin by design: the decision (401/400/403/503 or
 * allow) comes from core's `Authorizer`; the guard maps it to `true` or a
 * Nest exception.
 *
 * Routes without `@RequirePermission()` are allowed — the guard still creates
 * the scope so `@PermissioScope()` works there.
 */
import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PermissioError } from '@permissio/core';
import {
  selectRefusalHook,
  unguardedOutcome,
  unguardedStyle,
  type AuthorizationContext,
  type Authorizer,
  type RefusalOutcome,
} from '@permissio/core/internal';
import { PERMISSIO_PUBLIC } from './public.decorator.js';
import { handlerRoutePath } from './route-manifest.js';
import { PERMISSIO_AUTHORIZER, PERMISSIO_CONTEXT, PERMISSIO_OPTIONS, PERMISSIO_REQUIREMENT } from './permissio.constants.js';
import { createPermissioException } from './permissio.exceptions.js';
import type { PermissioOptions, PermissioRefusalHook, PermissioRequest } from './permissio-options.interface.js';
import type { PermissionRequirement } from './require-permission.decorator.js';

type RequestWithContext = PermissioRequest & { [PERMISSIO_CONTEXT]?: AuthorizationContext };

@Injectable()
export class PermissioGuard implements CanActivate {
  protected readonly logger = new Logger('PermissioGuard');

  constructor(
    @Inject(Reflector) protected readonly reflector: Reflector,
    @Inject(PERMISSIO_AUTHORIZER) protected readonly authorizer: Authorizer<PermissioRequest>,
    @Inject(PERMISSIO_OPTIONS) protected readonly options: PermissioOptions,
  ) {}

  /** Returns exactly `true` to allow; throws the refusal's exception otherwise. */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = this.getMetadata(context);
    const request = this.getRequest(context);
    if (request === undefined) {
      if (requirement === undefined) return true;
      // A protected handler outside HTTP (RPC, WebSocket) without a getRequest() override: fail closed.
      throw createPermissioException(
        this.authorizer.failure(new PermissioError('PermissioGuard: no HTTP request in this context; override getRequest().')),
      );
    }
    const authorization = await this.getAuthorizationContext(request);
    if (requirement === undefined) {
      const unguarded = this.unguardedRefusal(context, request);
      if (unguarded !== undefined) throw createPermissioException(unguarded);
      return true;
    }
    const outcome = await this.authorizer.authorize(authorization, request, requirement.action, requirement.resource);
    if (outcome.kind === 'allow') return true;
    throw await this.onRefusal(outcome, request, context);
  }

  /**
   * The underlying HTTP request (Express `req`, Fastify `request`), or
   * `undefined` outside HTTP. Override for other transports (e.g. GraphQL).
   */
  protected getRequest(context: ExecutionContext): PermissioRequest | undefined {
    if (context.getType() !== 'http') return undefined;
    return context.switchToHttp().getRequest<PermissioRequest>();
  }

  /** The handler's requirement; the method's `@RequirePermission()` overrides the class's. */
  protected getMetadata(context: ExecutionContext): PermissionRequirement | undefined {
    return this.reflector.getAllAndOverride<PermissionRequirement | undefined>(PERMISSIO_REQUIREMENT, [
      context.getHandler(),
      context.getClass(),
    ]);
  }

  /**
   * The request's authorization context, created once per request (a second
   * guard run reuses it) and stored on the request: under a symbol, and its
   * scope as `request.permissio`.
   */
  protected async getAuthorizationContext(request: PermissioRequest): Promise<AuthorizationContext> {
    const holder = request as RequestWithContext;
    const existing = holder[PERMISSIO_CONTEXT];
    if (existing !== undefined) return existing;
    const created = await this.authorizer.begin(request);
    // Two guards racing on one request keep the first context.
    const stored = holder[PERMISSIO_CONTEXT] ?? created;
    holder[PERMISSIO_CONTEXT] = stored;
    holder.permissio = stored.scope;
    return stored;
  }

  /**
   * The exception to throw for a refusal: the matching hook's (`onUnauthenticated`,
   * `onDenied` — also for 400 —, `onError`) when it returns one, the default
   * `Permissio*Exception` otherwise. Override to change the mapping; it can
   * only choose how to refuse, never allow.
   */
  protected async onRefusal(refusal: RefusalOutcome, request: PermissioRequest, context: ExecutionContext): Promise<Error> {
    if (refusal.kind === 'error') this.logFailure(refusal);
    const hook = selectRefusalHook<PermissioRefusalHook>(refusal, this.options);
    if (hook !== undefined) {
      const custom = await hook(refusal, request, context);
      if (custom instanceof Error) return custom;
    }
    return createPermissioException(refusal);
  }

  /** Logs a PDP failure (the response itself carries no internal detail unless `exposeReason`). */
  protected logFailure(refusal: Extract<RefusalOutcome, { kind: 'error' }>): void {
    const error = refusal.error;
    this.logger.warn(`Authorization failed closed (${refusal.status}): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }

  /**
   * `requireGuard`: the refusal of a handler with neither `@RequirePermission()`
   * nor `@Public()` (500 naming the handler outside production, 403 in
   * production); `undefined` when the route is public or the option is off.
   */
  protected unguardedRefusal(context: ExecutionContext, request: PermissioRequest): RefusalOutcome | undefined {
    if (!this.authorizer.options.requireGuard) return undefined;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PERMISSIO_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return undefined;
    const method = (request as { method?: unknown }).method;
    const path = handlerRoutePath(context.getClass(), context.getHandler());
    const route = `${typeof method === 'string' ? method : 'HTTP'} ${path} (${context.getClass().name}.${context.getHandler().name})`;
    return unguardedOutcome(route, unguardedStyle());
  }
}
