import { Body, Controller, Get, Inject, NotFoundException, Param, Put, Req } from '@nestjs/common';
import { RequirePermission } from '@permissio/nestjs';
import type { Document } from '../../shared/policy.js';
import { documentChanges, type DocumentStore } from '@permissio/example-shared/documents';
import { DOCUMENTS } from './constants.js';
import { documentInPath, type ExampleRequest } from './request.js';

/**
 * /projects/:projectId/documents/:documentId, protected with
 * `resourceFromPath`: the resource URI is the request path itself, so a URI
 * role on /projects/p1 covers every document under it. The check runs in the
 * caller's tenant; the handler still only serves that tenant's documents.
 */
@Controller('projects/:projectId/documents')
export class ProjectDocumentsController {
  constructor(@Inject(DOCUMENTS) private readonly documents: DocumentStore) {}

  @Get(':documentId')
  @RequirePermission('read', documentInPath)
  get(@Req() req: ExampleRequest, @Param('projectId') projectId: string, @Param('documentId') documentId: string) {
    return { document: this.find(req, projectId, documentId) };
  }

  @Put(':documentId')
  @RequirePermission('write', documentInPath)
  update(
    @Req() req: ExampleRequest,
    @Param('projectId') projectId: string,
    @Param('documentId') documentId: string,
    @Body() body: unknown,
  ) {
    const document = this.find(req, projectId, documentId);
    return { document: this.documents.update(document.id, documentChanges(body)) };
  }

  private find(req: ExampleRequest, projectId: string, documentId: string): Document {
    const document = this.documents.findInProject(req.auth?.tenant, projectId, documentId);
    if (document === undefined) throw new NotFoundException();
    return document;
  }
}
