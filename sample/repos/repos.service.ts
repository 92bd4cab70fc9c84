import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '../../lib';
import { SampleDatabase } from '../database/sample-database';
import { parseId } from '../ids/numeric-id';
import type { User } from '../users/user.dto';

import { RepoNotFound } from './repo-not-found.error';

/** A repository as the API shows it. */
export interface Repo {
  id: number;
  name: string;
  private: boolean;
  ownerId: number;
}

@Injectable()
export class ReposService {
  constructor(private readonly database: SampleDatabase) {}

  /** The repository, if the caller may see it: 404 when missing, 403 when private and not theirs. */
  async findFor(id: string, caller: User): Promise<Repo> {
    const numeric = parseId(id);
    const row =
      numeric === undefined
        ? undefined
        : await this.database.read(
            (db) =>
              db
                .prepare('SELECT id, name, private, owner_id FROM repos WHERE id = ?')
                .get(numeric) as
                { id: number; name: string; private: number; owner_id: number } | undefined,
          );
    if (!row) throw new RepoNotFound();
    // Forbidden in the domain's words; the route hides it as a 404.
    if (row.private && row.owner_id !== caller.id) throw new ForbiddenError('Not your repository.');
    return { id: row.id, name: row.name, private: row.private === 1, ownerId: row.owner_id };
  }
}
