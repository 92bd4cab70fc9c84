import { Injectable } from '@nestjs/common';
import { SampleDatabase, timestamp } from '../database/sample-database';
import type { Document, DocumentDto, PatchDocumentDto } from './document.dto';
import { DocumentNotFound } from './document.errors';

interface DocumentRow {
  id: number;
  title: string;
  body: string;
  version: number;
  updated_at: string;
}

const COLUMNS = 'id, title, body, version, updated_at';

function toDocument(row: DocumentRow): Document {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

/** `/^[1-9]\d{0,15}$/`: anything else names no document (404: the path is the name). */
function parseId(id: string): number | undefined {
  return /^[1-9]\d{0,15}$/.test(id) ? Number(id) : undefined;
}

/** Documents in SQLite; every change bumps `version`, the source of the ETag. */
@Injectable()
export class DocumentsService {
  constructor(private readonly database: SampleDatabase) {}

  /** The document, or `undefined` when there is none (a PUT may create it). */
  find(id: string): Document | undefined {
    const numeric = parseId(id);
    if (numeric === undefined) return undefined;
    const row = this.database.db
      .prepare(`SELECT ${COLUMNS} FROM documents WHERE id = ?`)
      .get(numeric) as DocumentRow | undefined;
    return row && toDocument(row);
  }

  get(id: string): Document {
    const document = this.find(id);
    if (!document) throw new DocumentNotFound(id);
    return document;
  }

  /** Replaces the document, or creates it at that id (`isNew`). */
  upsert(id: string, dto: DocumentDto): { document: Document; isNew: boolean } {
    const numeric = parseId(id);
    if (numeric === undefined) throw new DocumentNotFound(id);
    const { db } = this.database;
    return db.transaction(() => {
      const isNew = !db.prepare('SELECT 1 FROM documents WHERE id = ?').get(numeric);
      const row = db
        .prepare(
          `INSERT INTO documents (id, title, body, version, updated_at) VALUES (?, ?, ?, 1, ?)
           ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body,
             version = documents.version + 1, updated_at = excluded.updated_at
           RETURNING ${COLUMNS}`,
        )
        .get(numeric, dto.title, dto.body ?? '', timestamp()) as DocumentRow;
      return { document: toDocument(row), isNew };
    })();
  }

  /** Changes the fields given; 404 when there is no such document. */
  patch(id: string, dto: PatchDocumentDto): Document {
    const existing = this.get(id);
    const row = this.database.db
      .prepare(
        `UPDATE documents SET title = ?, body = ?, version = version + 1, updated_at = ?
         WHERE id = ? RETURNING ${COLUMNS}`,
      )
      .get(
        dto.title ?? existing.title,
        dto.body ?? existing.body,
        timestamp(),
        existing.id,
      ) as DocumentRow;
    return toDocument(row);
  }

  remove(id: string): void {
    const existing = this.get(id);
    this.database.db.prepare('DELETE FROM documents WHERE id = ?').run(existing.id);
  }
}
