import { Injectable } from '@nestjs/common';
import { CurrentVersionResolver } from '../../lib';
import { recordCheckedVersion } from '../locking/checked-version';
import type { Document } from './document.dto';
import { DocumentNotFound } from './document.errors';
import { DocumentsService } from './documents.service';

/**
 * The current document of a write, read before the handler runs so a stale `If-Match` is refused
 * without writing. A missing document is one to create for PUT, and a 404 for PATCH and DELETE
 * (thrown here so the message is the same as the handler's). The version it finds is recorded for
 * the handler, whose write then happens only if the document is still at that version.
 */
@Injectable()
export class DocumentVersions implements CurrentVersionResolver<Document> {
  constructor(private readonly documents: DocumentsService) {}

  async resolve(request: {
    method: string;
    params: { id: string };
  }): Promise<Document | undefined> {
    const document = await this.documents.find(request.params.id);
    if (!document && request.method !== 'PUT') throw new DocumentNotFound(request.params.id);
    recordCheckedVersion(request, document ? document.version : null);
    return document;
  }
}
