/**
 * The exceptions `PermissioGuard` throws. Each extends the Nest exception of
 * its status (so existing filters for `ForbiddenException` & co. still apply)
 * and carries the RFC 9457 problem body as its response.
 */
import {
  BadRequestException,
  ForbiddenException,
  type HttpException,
  InternalServerErrorException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { ProblemDetails, RefusalOutcome } from '@permissio/core/internal';

/** What every Permissio exception exposes besides `HttpException`'s API. */
export interface PermissioException extends HttpException {
  /** The problem+json body (`{type, title, status, detail}`), also `getResponse()`. */
  readonly problem: ProblemDetails;
  /** The refusal that caused it (status, reason, underlying error). */
  readonly refusal: RefusalOutcome;
}

function options(refusal: RefusalOutcome): { cause?: unknown } {
  return 'error' in refusal && refusal.error !== undefined ? { cause: refusal.error } : {};
}

/** 401: no user on a protected route. The PDP was not called. */
export class PermissioUnauthorizedException extends UnauthorizedException implements PermissioException {
  readonly problem: ProblemDetails;
  constructor(readonly refusal: RefusalOutcome) {
    super(refusal.problem, options(refusal));
    this.problem = refusal.problem;
  }
}

/** 403: denied by the PDP, a resolver failed, or (`failureStatus: 403`) the PDP failed. */
export class PermissioForbiddenException extends ForbiddenException implements PermissioException {
  readonly problem: ProblemDetails;
  constructor(readonly refusal: RefusalOutcome) {
    super(refusal.problem, options(refusal));
    this.problem = refusal.problem;
  }
}

/** 400: the resource (e.g. the request path) is not a valid resource URI. Never checked. */
export class PermissioBadRequestException extends BadRequestException implements PermissioException {
  readonly problem: ProblemDetails;
  constructor(readonly refusal: RefusalOutcome) {
    super(refusal.problem, options(refusal));
    this.problem = refusal.problem;
  }
}

/** 503: the PDP failed (unreachable, timeout, malformed answer). Never allows. */
export class PermissioServiceUnavailableException extends ServiceUnavailableException implements PermissioException {
  readonly problem: ProblemDetails;
  constructor(readonly refusal: RefusalOutcome) {
    super(refusal.problem, options(refusal));
    this.problem = refusal.problem;
  }
}

/** 500 (`requireGuard`, outside production): the route has neither `@RequirePermission` nor `@Public()`. */
export class PermissioUnguardedRouteException extends InternalServerErrorException implements PermissioException {
  readonly problem: ProblemDetails;
  constructor(readonly refusal: RefusalOutcome) {
    super(refusal.problem, options(refusal));
    this.problem = refusal.problem;
  }
}

/** The exception classes above, for `@Catch(...PERMISSIO_EXCEPTIONS)`. */
export const PERMISSIO_EXCEPTIONS = [
  PermissioUnauthorizedException,
  PermissioForbiddenException,
  PermissioBadRequestException,
  PermissioServiceUnavailableException,
  PermissioUnguardedRouteException,
] as const;

/** Builds the default exception for a refusal, by status. */
export function createPermissioException(refusal: RefusalOutcome): PermissioException {
  switch (refusal.status) {
    case 401:
      return new PermissioUnauthorizedException(refusal);
    case 400:
      return new PermissioBadRequestException(refusal);
    case 503:
      return new PermissioServiceUnavailableException(refusal);
    case 500:
      return new PermissioUnguardedRouteException(refusal);
    default:
      return new PermissioForbiddenException(refusal);
  }
}

/** True for the exceptions thrown by `PermissioGuard` by default. */
export function isPermissioException(value: unknown): value is PermissioException {
  return PERMISSIO_EXCEPTIONS.some((type) => value instanceof type);
}
