import { Injectable } from '@nestjs/common';
import { CurrentVersionResolver } from '../../lib';
import type { Document } from './document.dto';
import { DocumentNotFound } from './document.errors';
import { DocumentsService } from './documents.service';

/**
 * The current document of a write, read before the handler runs so a stale `If-Match` is refused
 * without writing. A missing document is one to create for PUT, and a 404 for PATCH and DELETE
 * (thrown here so the message is the same as the handler's).
 */
@Injectable()
export class DocumentVersions implements CurrentVersionResolver<Document> {
  constructor(private readonly documents: DocumentsService) {}

  resolve(request: { method: string; params: { id: string } }): Document | undefined {
    const document = this.documents.find(request.params.id);
    if (!document && request.method !== 'PUT') throw new DocumentNotFound(request.params.id);
    return document;
  }
}
