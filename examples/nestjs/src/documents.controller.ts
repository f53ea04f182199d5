import {
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
import { PermissioScope, RequirePermission, type PermissioRequestScope } from '@permissio/nestjs';
import {
  classificationField,
  findProject,
  stringField,
  type Document,
  type DocumentStore,
} from '../../shared/policy.js';
import { DOCUMENTS } from './constants.js';
import { documentFromParams, documentResource, loadDocument, type ExampleRequest } from './request.js';

/**
 * /documents. Every `@RequirePermission` resource form but the path one:
 * - a type string ............ GET    /documents
 * - a CheckResource object ... POST   /documents
 * - a sync resolver .......... PUT    /documents/:id, DELETE /documents/:id
 * - an async resolver ........ GET    /documents/:id, POST /documents/:id/share
 */
@Controller('documents')
export class DocumentsController {
  constructor(@Inject(DOCUMENTS) private readonly documents: DocumentStore) {}

  // Type string: a tenant-wide question ("may I read documents here?").
  @Get()
  @RequirePermission('read', 'document')
  list(@Req() req: ExampleRequest) {
    const tenant = req.auth?.tenant ?? '';
    return {
      documents: this.documents.listByTenant(tenant).map(({ id, title, projectId }) => ({ id, title, projectId })),
    };
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
    const document = this.find(id);
    updateDocument(document, body);
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
    const document = this.find(id);
    const user = stringField(body, 'user', 256);
    if (user === undefined) throw new UnprocessableEntityException('The user to share with is required.');
    if (!document.sharedWith.includes(user)) document.sharedWith.push(user);
    return { document };
  }

  private find(id: string): Document {
    const document = this.documents.find(id);
    if (document === undefined) throw new NotFoundException();
    return document;
  }
}

export function updateDocument(document: Document, body: unknown): void {
  const title = stringField(body, 'title', 200);
  const text = stringField(body, 'body');
  if (title !== undefined) document.title = title;
  if (text !== undefined) document.body = text;
}
