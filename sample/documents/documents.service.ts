import { Injectable } from '@nestjs/common';
import type { Database as Db } from 'better-sqlite3';
import { SampleDatabase, timestamp } from '../database/sample-database';
import { parseId } from '../ids/numeric-id';
import type { CheckedVersion } from '../locking/checked-version';
import { versionConflict } from '../locking/version-conflict';
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

/**
 * Documents in SQLite; every change bumps `version`, the source of the ETag. A write given the
 * version its precondition was checked against (`checked`) is a compare-and-set: it happens only
 * if the row is still at that version, else it answers the 409 of a stale `If-Match`. Every write
 * is one immediate transaction (`SampleDatabase.write`), its 404/409 decided inside it.
 */
@Injectable()
export class DocumentsService {
  constructor(private readonly database: SampleDatabase) {}

  /** The document, or `undefined` when there is none (a PUT may create it). */
  find(id: string): Promise<Document | undefined> {
    const numeric = parseId(id);
    return numeric === undefined
      ? Promise.resolve(undefined)
      : this.database.read((db) => findRow(db, numeric));
  }

  async get(id: string): Promise<Document> {
    const document = await this.find(id);
    if (!document) throw new DocumentNotFound(id);
    return document;
  }

  /**
   * Replaces the document, or creates it at that id (`isNew`). `checked`: a number replaces only
   * that version, `null` creates only if there is still none, `undefined` writes whatever is there.
   */
  upsert(
    id: string,
    dto: DocumentDto,
    checked?: CheckedVersion,
  ): Promise<{ document: Document; isNew: boolean }> {
    const numeric = parseId(id);
    if (numeric === undefined) return Promise.reject(new DocumentNotFound(id));
    const fields = { id: numeric, title: dto.title, body: dto.body ?? '', updatedAt: timestamp() };
    return this.database.write((db) => {
      if (checked === undefined) {
        const isNew = !db.prepare('SELECT 1 FROM documents WHERE id = ?').get(numeric);
        const row = db
          .prepare(
            `INSERT INTO documents (id, title, body, version, updated_at)
             VALUES (@id, @title, @body, 1, @updatedAt)
             ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body,
               version = documents.version + 1, updated_at = excluded.updated_at
             RETURNING ${COLUMNS}`,
          )
          .get(fields) as DocumentRow;
        return { document: toDocument(row), isNew };
      }
      const row = (
        checked === null
          ? db
              .prepare(
                `INSERT INTO documents (id, title, body, version, updated_at)
                 VALUES (@id, @title, @body, 1, @updatedAt)
                 ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
              )
              .get(fields)
          : db
              .prepare(
                `UPDATE documents SET title = @title, body = @body, version = version + 1,
                   updated_at = @updatedAt
                 WHERE id = @id AND version = @checked RETURNING ${COLUMNS}`,
              )
              .get({ ...fields, checked })
      ) as DocumentRow | undefined;
      if (!row) throw versionConflict(checked, findRow(db, numeric)?.version);
      return { document: toDocument(row), isNew: checked === null };
    });
  }

  /**
   * Changes the fields given, in one statement (so two PATCHes of different fields both land);
   * only at the `checked` version when there is one; 404 when there is no such document.
   */
  patch(id: string, dto: PatchDocumentDto, checked?: CheckedVersion): Promise<Document> {
    const numeric = parseId(id);
    if (numeric === undefined) return Promise.reject(new DocumentNotFound(id));
    return this.database.write((db) => {
      const row = db
        .prepare(
          `UPDATE documents SET title = COALESCE(@title, title), body = COALESCE(@body, body),
             version = version + 1, updated_at = @updatedAt
           WHERE id = @id AND (@checked IS NULL OR version = @checked) RETURNING ${COLUMNS}`,
        )
        .get({
          id: numeric,
          title: dto.title ?? null,
          body: dto.body ?? null,
          updatedAt: timestamp(),
          checked: checked ?? null,
        }) as DocumentRow | undefined;
      if (row) return toDocument(row);
      throw missedWrite(db, id, numeric, checked);
    });
  }

  /** Deletes the document (only at the `checked` version when there is one); 404 when there is none. */
  remove(id: string, checked?: CheckedVersion): Promise<void> {
    const numeric = parseId(id);
    if (numeric === undefined) return Promise.reject(new DocumentNotFound(id));
    return this.database.write((db) => {
      const { changes } = db
        .prepare(
          'DELETE FROM documents WHERE id = @id AND (@checked IS NULL OR version = @checked)',
        )
        .run({ id: numeric, checked: checked ?? null });
      if (changes === 0) throw missedWrite(db, id, numeric, checked);
    });
  }
}

/** Why a PATCH or DELETE changed no row: the document is gone (404), or at another version (409). */
function missedWrite(db: Db, id: string, numeric: number, checked: CheckedVersion): Error {
  const current = findRow(db, numeric);
  return current ? versionConflict(checked, current.version) : new DocumentNotFound(id);
}

function findRow(db: Db, id: number): Document | undefined {
  const row = db.prepare(`SELECT ${COLUMNS} FROM documents WHERE id = ?`).get(id) as
    DocumentRow | undefined;
  return row && toDocument(row);
}
