import { Module } from '@nestjs/common';
import { DocumentVersions } from './document-versions';
import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';

@Module({
  controllers: [DocumentsController],
  providers: [DocumentsService, DocumentVersions],
})
export class DocumentsModule {}
