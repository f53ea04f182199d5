/**
 * `PermissioGuard`: enforces `@RequirePermission()`. Thin by design: the
 * decision (401/400/403/503 or allow) comes from core's `Authorizer`; the
 * guard maps it to `true` or a Nest exception.
 *
 * `@RequirePermission()` brings the guard itself (`@UseGuards(PermissioGuard)`
 * at the same level), so a protected handler never runs without a decision,
 * and the decision runs after the app's global and controller guards (e.g.
 * an `AuthGuard`). The user and tenant are resolved at that first decision.
 *
 * With `requireGuard: true`, a handler with neither `@RequirePermission()`
 * nor `@Public()` is refused: the global guard (`PermissioGlobalGuard`, which
 * runs for every route) finds it, so the module's `global` must stay on.
 *
 * Without `PermissioModule` imported, the guard cannot be built: bootstrap
 * fails with an error saying what to import.
 */
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type CanActivate,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PermissioError, type MaybePromise } from '@permissio/core';
import {
  notRegisteredError,
  selectRefusalHook,
  unguardedOutcome,
  unguardedStyle,
  type AuthorizationContext,
  type Authorizer,
  type RefusalOutcome,
  serverTimingOf,
  serverTimingOnWrite,
} from '@permissio/core/internal';
import { FRAMEWORK, PERMISSIO_AUTHORIZER, PERMISSIO_OPTIONS, PERMISSIO_REQUIREMENT } from './permissio.constants.js';
import { PERMISSIO_PUBLIC } from './public.decorator.js';
import { handlerRoutePath } from './route-manifest.js';
import { createPermissioException } from './permissio.exceptions.js';
import type { PermissioOptions, PermissioRefusalHook, PermissioRequest } from './permissio-options.interface.js';
import type { PermissionRequirement } from './require-permission.decorator.js';
import { attachRegistration, startedContext } from './request-state.js';

/** Marks a request whose response already carries the Server-Timing patch. */
const TIMED: unique symbol = Symbol('@permissio/nestjs.serverTiming');

/** Nest's metadata key of `@UseGuards()` (`@nestjs/common/constants`, stable since Nest 5). */
const GUARDS_METADATA = '__guards__';

/** How many times a metadata-declared Permissio guard ran for this request. */
const RUNS: unique symbol = Symbol.for('@permissio/nestjs:runs') as never;

type RequestWithRuns = PermissioRequest & { [RUNS]?: number };

/** The message of a guard built without `PermissioModule`. */
export const IMPORT_MODULE = 'import PermissioModule.forRoot({ client, user }) (or forRootAsync) in your root module';

@Injectable()
export class PermissioGuard implements CanActivate {
  protected readonly logger = new Logger('PermissioGuard');
  protected readonly authorizer: Authorizer<PermissioRequest>;
  protected readonly options: PermissioOptions;

  constructor(
    @Inject(Reflector) protected readonly reflector: Reflector,
    @Optional() @Inject(PERMISSIO_AUTHORIZER) authorizer?: Authorizer<PermissioRequest>,
    @Optional() @Inject(PERMISSIO_OPTIONS) options?: PermissioOptions,
  ) {
    if (authorizer === undefined || options === undefined) {
      // A protected handler must never run without a decision: fail the bootstrap.
      throw notRegisteredError(
        FRAMEWORK,
        'PermissioGuard has no configuration (PermissioModule is not imported)',
        IMPORT_MODULE,
      );
    }
    this.authorizer = authorizer;
    this.options = options;
  }

  /** Returns exactly `true` to allow; throws the refusal's exception otherwise. */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = this.getMetadata(context);
    const request = this.getRequest(context);
    if (request === undefined) {
      if (requirement === undefined) return true;
      // A protected handler outside HTTP (RPC, WebSocket) without a getRequest() override: fail closed.
      throw createPermissioException(
        this.authorizer.failure(
          new PermissioError('PermissioGuard: no HTTP request in this context; override getRequest().'),
        ),
      );
    }
    attachRegistration(request, this.authorizer);
    if (this.authorizer.options.serverTiming) this.timeResponse(context, request);
    if (requirement === undefined) {
      // requireGuard: neither @RequirePermission() nor @Public() (the global guard sees every route).
      const unguarded = this.unguardedRefusal(context, request);
      if (unguarded !== undefined) throw createPermissioException(unguarded);
      return true;
    }
    if (this.defers(context, request)) return true;
    const authorization = this.getAuthorizationContext(request);
    const outcome = await this.authorizer.authorize(authorization, request, requirement.action, requirement.resource);
    if (outcome.kind === 'allow') return true;
    throw await this.onRefusal(outcome, request, context);
  }

  /**
   * Whether a later Permissio guard of this handler decides (so this run
   * must not, e.g. before the controller's `AuthGuard`). Guards declared in
   * metadata always run in order, so the last of them always decides.
   */
  protected defers(context: ExecutionContext, request: PermissioRequest): boolean {
    const holder = request as RequestWithRuns;
    const runs = (holder[RUNS] ?? 0) + 1;
    holder[RUNS] = runs;
    return runs < declaredPermissioGuards(context);
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

  /** `serverTiming`: sets `Server-Timing` when the response's headers are written (once per request). */
  private timeResponse(context: ExecutionContext, request: PermissioRequest): void {
    const marked = request as PermissioRequest & { [TIMED]?: true };
    if (marked[TIMED]) return;
    const response = context.switchToHttp().getResponse<{ raw?: unknown; writeHead?: unknown }>();
    // Express: the Node response itself; Fastify: reply.raw.
    const raw = (typeof response?.writeHead === 'function' ? response : response?.raw) as
      | Parameters<typeof serverTimingOnWrite>[0]
      | undefined;
    if (raw === undefined || typeof raw.writeHead !== 'function') return;
    marked[TIMED] = true;
    serverTimingOnWrite(raw, () => serverTimingOf(startedContext(request, this.authorizer)));
  }

  /**
   * The request's authorization context: the user and tenant are resolved
   * on first use (the request's first decision) and kept on the request.
   */
  protected getAuthorizationContext(request: PermissioRequest): MaybePromise<AuthorizationContext> {
    return startedContext(request, this.authorizer);
  }

  /**
   * The exception to throw for a refusal: the matching hook's (`onUnauthenticated`,
   * `onDenied` — also for 400 —, `onError`) when it returns one, the default
   * `Permissio*Exception` otherwise. Override to change the mapping; it can
   * only choose how to refuse, never allow.
   */
  protected async onRefusal(
    refusal: RefusalOutcome,
    request: PermissioRequest,
    context: ExecutionContext,
  ): Promise<Error> {
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
    this.logger.warn(
      `Authorization failed closed (${refusal.status}): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
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

/**
 * The guard `PermissioModule` registers as `APP_GUARD`. Global guards run
 * before controller and method guards: when the handler's own metadata holds
 * a Permissio guard (what `@RequirePermission()` adds), that one decides,
 * after the app's guards; this one only decides otherwise.
 */
@Injectable()
export class PermissioGlobalGuard extends PermissioGuard {
  protected override defers(context: ExecutionContext): boolean {
    return declaredPermissioGuards(context) > 0;
  }
}

/** Permissio guards in the handler's and its class's `@UseGuards()` metadata. */
function declaredPermissioGuards(context: ExecutionContext): number {
  return (
    countGuards(Reflect.getMetadata(GUARDS_METADATA, context.getClass())) +
    countGuards(Reflect.getMetadata(GUARDS_METADATA, context.getHandler()))
  );
}

function countGuards(guards: unknown): number {
  if (!Array.isArray(guards)) return 0;
  let count = 0;
  for (const guard of guards) if (isPermissioGuard(guard)) count++;
  return count;
}

function isPermissioGuard(guard: unknown): boolean {
  if (guard instanceof PermissioGuard) return true;
  return (
    typeof guard === 'function' && (guard === PermissioGuard || (guard as Type).prototype instanceof PermissioGuard)
  );
}
