import { Body, Controller, Delete, Get, Param, Patch, Put } from '@nestjs/common';
import { created, CurrentVersion, ETag, LastModified, NoContent } from '../../lib';
import type { Document } from './document.dto';
import { DocumentDto, PatchDocumentDto } from './document.dto';
import { DocumentVersions } from './document-versions';
import { DocumentsService } from './documents.service';

/**
 * Versioned documents: `ETag: "v<version>"` and `Last-Modified` on every read and write,
 * 304 for a client whose copy is current, 409 `{ currentVersion }` for a stale `If-Match`.
 */
@Controller('api/documents')
@ETag((document: Document) => document.version)
@LastModified((document: Document) => document.updatedAt)
@CurrentVersion(DocumentVersions)
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  /** 200 + ETag + Last-Modified; 304 on `If-None-Match` / `If-Modified-Since`; 404. */
  @Get(':id')
  find(@Param('id') id: string) {
    return this.documents.get(id);
  }

  /** Upsert: 200 + the new ETag when it existed, 201 + Location when it did not; 409 when stale. */
  @Put(':id')
  upsert(@Param('id') id: string, @Body() dto: DocumentDto) {
    const { document, isNew } = this.documents.upsert(id, dto);
    return isNew ? created(document) : document;
  }

  /** 204 + the new ETag; 404; 409 when stale; 422. */
  @Patch(':id')
  @NoContent()
  patch(@Param('id') id: string, @Body() dto: PatchDocumentDto) {
    return this.documents.patch(id, dto);
  }

  /** 204, then 404. */
  @Delete(':id')
  remove(@Param('id') id: string) {
    this.documents.remove(id);
  }
}
