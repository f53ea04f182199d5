import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { DocumentStore } from '@permissio/example-shared/documents';
import { authenticate } from '@permissio/example-shared/auth';
import { DOCUMENTS, JWT_SECRET } from './constants.js';
import type { ExampleRequest } from './request.js';

/**
 * Runs before the guards: verifies the bearer token (no valid token → no
 * `req.auth` → protected routes answer 401) and hands the resolvers the store.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware<ExampleRequest> {
  constructor(
    @Inject(JWT_SECRET) private readonly secret: Uint8Array,
    @Inject(DOCUMENTS) private readonly documents: DocumentStore,
  ) {}

  async use(req: ExampleRequest, _res: unknown, next: (error?: unknown) => void): Promise<void> {
    const authorization = req.headers.authorization;
    const principal = await authenticate(typeof authorization === 'string' ? authorization : undefined, this.secret);
    if (principal !== undefined) req.auth = principal;
    req.documents = this.documents;
    next();
  }
}
