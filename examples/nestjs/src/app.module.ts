import { checkUser, type ExampleAppOptions } from '@permissio/example-shared/app';
import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { PermissioModule } from '@permissio/nestjs';
import { DocumentStore } from '@permissio/example-shared/documents';
import { demoSecret } from '@permissio/example-shared/auth';
import { DOCUMENTS, JWT_SECRET } from './constants.js';
import { DocumentsController } from './documents.controller.js';
import { HealthController } from './health.controller.js';
import { ProjectDocumentsController } from './project-documents.controller.js';
import { RequestContextMiddleware } from './request-context.middleware.js';
import type { ExampleRequest } from './request.js';

export type AppModuleOptions = Omit<ExampleAppOptions, 'demo'>;

@Module({})
export class AppModule implements NestModule {
  static forRoot({
    client,
    jwtSecret = demoSecret(),
    documents = new DocumentStore(),
  }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The guard is global: every route with @RequirePermission is protected.
        PermissioModule.forRoot({
          client,
          // The token's subject, with its claims (department, tenant) as attributes for the condition rules.
          user: (req: ExampleRequest) => checkUser(req.auth),
          tenant: (req: ExampleRequest) => req.auth?.tenant,
          // Every handler must have @RequirePermission or @Public(): a forgotten guard is refused.
          requireGuard: true,
          // The guards are checked against the policy at bootstrap: a misspelt action fails the start.
          routeValidation: 'error',
        }),
      ],
      controllers: [HealthController, DocumentsController, ProjectDocumentsController],
      providers: [
        { provide: DOCUMENTS, useValue: documents },
        { provide: JWT_SECRET, useValue: jwtSecret },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(RequestContextMiddleware)
      .forRoutes(HealthController, DocumentsController, ProjectDocumentsController);
  }
}
