import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Req,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  PermissioScope,
  PermissioServiceUnavailableException,
  PermissioUnauthorizedException,
  Public,
  RequirePermission,
  type PermissioRequestScope,
} from '@permissio/nestjs';
import { classificationField, findProject, stringField, type Document } from '../../shared/policy.js';
import { documentChanges, type DocumentStore } from '@permissio/example-shared/documents';
import {
  UNAUTHENTICATED_PROBLEM,
  UNAVAILABLE_PROBLEM,
  answerList,
  listDocuments,
} from '@permissio/example-shared/list';
import { DOCUMENTS } from './constants.js';
import { documentFromParams, documentResource, loadDocument, type ExampleRequest } from './request.js';

/**
 * /documents. Every `@RequirePermission` resource form but the path one:
 * - a CheckResource object ... POST   /documents
 * - a sync resolver .......... PUT    /documents/:id, DELETE /documents/:id
 * - an async resolver ........ GET    /documents/:id, POST /documents/:id/share
 * GET /documents lists with a plan (`scope.plan`) compiled to SQL: it returns
 * exactly the documents GET /documents/:id allows.
 */
@Controller('documents')
export class DocumentsController {
  constructor(@Inject(DOCUMENTS) private readonly documents: DocumentStore) {}

  // The list: no route guard can say "some documents", so the plan decides (@Public() only tells
  // requireGuard so; the handler requires a user itself). One plan per tenant, compiled to one SQL query.
  @Get()
  @Public()
  async list(@Req() req: ExampleRequest, @PermissioScope() scope: PermissioRequestScope | undefined) {
    const answer = await answerList(
      req.auth === undefined ? undefined : scope,
      req.originalUrl ?? req.url ?? '',
      (planner, query) => listDocuments(planner, this.documents, query),
    );
    // Nest answers refusals through exceptions (problem+json by the module's exception filter).
    switch (answer.status) {
      case 200:
        return answer.body;
      case 400:
        throw new BadRequestException(answer.body);
      case 401:
        throw new PermissioUnauthorizedException({
          kind: 'unauthenticated',
          status: 401,
          problem: { ...UNAUTHENTICATED_PROBLEM },
        });
      case 503:
        throw new PermissioServiceUnavailableException({
          kind: 'error',
          status: 503,
          problem: { ...UNAVAILABLE_PROBLEM },
          error: undefined,
        });
    }
  }

  // CheckResource object: creating needs a tenant-wide `document:write`.
  @Post()
  @RequirePermission('write', { type: 'document' })
  create(@Req() req: ExampleRequest, @Body() body: unknown) {
    const tenant = req.auth?.tenant ?? '';
    const title = stringField(body, 'title', 200);
    const projectId = stringField(body, 'projectId', 100);
    const classification = classificationField(body);
    if (
      title === undefined ||
      projectId === undefined ||
      classification === undefined ||
      findProject(tenant, projectId) === undefined
    ) {
      throw new UnprocessableEntityException(
        'A title, one of your projects (projectId) and, optionally, a classification (public, internal, secret) are required.',
      );
    }
    return {
      document: this.documents.create({
        tenant,
        projectId,
        ownerId: req.auth?.user ?? '',
        classification,
        title,
        body: stringField(body, 'body') ?? '',
      }),
    };
  }

  // Async resolver, then three more checks through the request's scope (the
  // decision cache requirePermission used). Against a remote PDP the three,
  // started together, go out as one bulk call.
  @Get(':id')
  @RequirePermission('read', loadDocument)
  async get(@Param('id') id: string, @PermissioScope() scope: PermissioRequestScope) {
    const document = this.find(id);
    const resource = documentResource(document);
    if (resource === undefined) throw new NotFoundException();
    const [write, del, share] = await Promise.all([
      scope.check('write', resource),
      scope.check('delete', resource),
      scope.check('share', resource),
    ]);
    return { document, can: { write, delete: del, share } };
  }

  // Sync resolver from the route params.
  @Put(':id')
  @RequirePermission('write', documentFromParams)
  update(@Param('id') id: string, @Body() body: unknown) {
    const document = this.documents.update(id, documentChanges(body));
    if (document === undefined) throw new NotFoundException();
    return { document };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('delete', documentFromParams)
  remove(@Param('id') id: string): void {
    this.documents.delete(id);
  }

  @Post(':id/share')
  @HttpCode(200)
  @RequirePermission('share', loadDocument)
  share(@Param('id') id: string, @Body() body: unknown) {
    const user = stringField(body, 'user', 256);
    if (user === undefined) throw new UnprocessableEntityException('The user to share with is required.');
    const document = this.documents.share(id, user);
    if (document === undefined) throw new NotFoundException();
    return { document };
  }

  private find(id: string): Document {
    const document = this.documents.find(id);
    if (document === undefined) throw new NotFoundException();
    return document;
  }
}
