import { Body, Controller, Delete, Get, Param, Patch, Put } from '@nestjs/common';
import { created, CurrentVersion, ETag, LastModified, NoContent } from '../../lib';
import { MayCreate } from '../../lib/openapi';
import type { Document } from './document.dto';
import { DocumentDto, PatchDocumentDto } from './document.dto';
import { Checked, CheckedVersion } from '../locking/checked-version';
import { DocumentVersions } from './document-versions';
import { DocumentsService } from './documents.service';

/**
 * Versioned documents: `ETag: "v<version>"` and `Last-Modified` on every read and write,
 * 304 for a client whose copy is current, 409 `{ currentVersion }` for a stale `If-Match`. The
 * precondition is checked before the handler runs (`@CurrentVersion`), and the write happens only
 * if the document is still at the version checked (`@Checked()`), so two writers cannot both pass.
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
  @MayCreate()
  async upsert(
    @Param('id') id: string,
    @Body() dto: DocumentDto,
    @Checked() checked: CheckedVersion,
  ) {
    const { document, isNew } = await this.documents.upsert(id, dto, checked);
    return isNew ? created(document) : document;
  }

  /** 204 + the new ETag; 404; 409 when stale; 422. */
  @Patch(':id')
  @NoContent()
  patch(
    @Param('id') id: string,
    @Body() dto: PatchDocumentDto,
    @Checked() checked: CheckedVersion,
  ) {
    return this.documents.patch(id, dto, checked);
  }

  /** 204, then 404. */
  @Delete(':id')
  async remove(@Param('id') id: string, @Checked() checked: CheckedVersion): Promise<void> {
    await this.documents.remove(id, checked);
  }
}
