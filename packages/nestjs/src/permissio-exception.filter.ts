/**
 * Answers the guard's exceptions as `application/problem+json`, on
 * platform-express and platform-fastify alike (through Nest's HTTP adapter).
 * Registered as `APP_FILTER` by `PermissioModule` unless `exceptionFilter: false`.
 */
import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PROBLEM_CONTENT_TYPE } from '@permissio/core/internal';
import { throwError, type Observable } from 'rxjs';
import { PERMISSIO_EXCEPTIONS, type PermissioException } from './permissio.exceptions.js';

@Catch(...PERMISSIO_EXCEPTIONS)
export class PermissioExceptionFilter implements ExceptionFilter<PermissioException> {
  constructor(@Inject(HttpAdapterHost) protected readonly adapterHost: HttpAdapterHost) {}

  catch(exception: PermissioException, host: ArgumentsHost): Observable<never> | undefined {
    const httpAdapter = this.adapterHost.httpAdapter;
    if (host.getType() !== 'http' || httpAdapter === undefined) {
      // Not an HTTP request (RPC, WebSocket): leave it to that transport.
      return throwError(() => exception);
    }
    const response: unknown = host.switchToHttp().getResponse();
    httpAdapter.setHeader(response, 'Content-Type', PROBLEM_CONTENT_TYPE);
    httpAdapter.reply(response, exception.problem, exception.getStatus());
    return undefined;
  }
}
