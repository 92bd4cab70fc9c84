import { Injectable } from '@nestjs/common';
import { pageOffset } from '../../lib/pagination';
import type { Database as Db } from 'better-sqlite3';
import { SampleDatabase, timestamp } from '../database/sample-database';
import { parseId } from '../ids/numeric-id';
import type { User, UserDto } from './user.dto';
import type { CheckedVersion } from '../locking/checked-version';
import { versionConflict } from '../locking/version-conflict';
import { roleFilter, type UserListQuery } from './user-list.query';
import { EmailTaken, UserNotFound } from './user.errors';

interface UserRow {
  id: number;
  name: string;
  email: string;
  role: string;
  version: number;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, name, email, role, version, created_at, updated_at';

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    createdAt: row.created_at,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

/**
 * Users in SQLite. The unique index on email is the source of truth for "email taken". Every
 * write is one immediate transaction (`SampleDatabase.write`), its 404/409 decided inside it.
 */
@Injectable()
export class UsersService {
  constructor(private readonly database: SampleDatabase) {}

  create(dto: UserDto): Promise<User> {
    const now = timestamp();
    return this.database.write((db) => {
      try {
        const row = db
          .prepare(
            `INSERT INTO users (name, email, role, created_at, updated_at) VALUES (?, ?, 'user', ?, ?)
             RETURNING ${COLUMNS}`,
          )
          .get(dto.name, dto.email, now, now) as UserRow;
        return toUser(row);
      } catch (error) {
        throw uniqueEmail(error, dto.email);
      }
    });
  }

  /**
   * One page of users in id order, and how many match: the database counts and slices
   * (`COUNT(*)`, `LIMIT ? OFFSET ?`, on the `(role, id)` index), the table is never loaded.
   */
  list(query: UserListQuery): Promise<{ users: User[]; totalCount: number }> {
    const role = roleFilter(query);
    const where = role === undefined ? '' : 'WHERE role = ?';
    const params = role === undefined ? [] : [role];
    // One read transaction: the count and the page see the same rows.
    return this.database.read((db) =>
      db.transaction(() => {
        const { count } = db
          .prepare(`SELECT COUNT(*) AS count FROM users ${where}`)
          .get(...params) as {
          count: number;
        };
        const rows = db
          .prepare(`SELECT ${COLUMNS} FROM users ${where} ORDER BY id LIMIT ? OFFSET ?`)
          .all(...params, query.limit, pageOffset(query)) as UserRow[];
        return { users: rows.map(toUser), totalCount: count };
      })(),
    );
  }

  find(id: string): Promise<User> {
    return this.database.read((db) => findUser(db, id));
  }

  /**
   * Replaces name and email, only at the `checked` version when there is one (a compare-and-set:
   * a user changed since the `If-Match` was checked is a 409, not a lost update); 404 when there
   * is no such user.
   */
  replace(id: string, dto: UserDto, checked?: CheckedVersion): Promise<User> {
    const numeric = parseId(id);
    if (numeric === undefined) return Promise.reject(new UserNotFound(id));
    return this.database.write((db) => {
      let row: UserRow | undefined;
      try {
        row = db
          .prepare(
            `UPDATE users SET name = @name, email = @email, version = version + 1, updated_at = @now
             WHERE id = @id AND (@checked IS NULL OR version = @checked) RETURNING ${COLUMNS}`,
          )
          .get({
            id: numeric,
            name: dto.name,
            email: dto.email,
            now: timestamp(),
            checked: checked ?? null,
          }) as UserRow | undefined;
      } catch (error) {
        throw uniqueEmail(error, dto.email);
      }
      if (row) return toUser(row);
      throw versionConflict(checked, findUser(db, id).version);
    });
  }

  remove(id: string): Promise<void> {
    return this.database.write((db) => {
      const existing = findUser(db, id);
      db.prepare('DELETE FROM users WHERE id = ?').run(existing.id);
    });
  }
}

/** The user, or the 404 of an id that names none. */
function findUser(db: Db, id: string): User {
  const numeric = parseId(id);
  const row =
    numeric === undefined
      ? undefined
      : (db.prepare(`SELECT ${COLUMNS} FROM users WHERE id = ?`).get(numeric) as
          UserRow | undefined);
  if (!row) throw new UserNotFound(id);
  return toUser(row);
}

/** The database's unique constraint, told in the domain's words. */
function uniqueEmail(error: unknown, email: string): unknown {
  const code = (error as { code?: unknown })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' ? new EmailTaken(email) : error;
}
