import { Injectable } from '@nestjs/common';
import { UnauthenticatedError } from '../../lib';
import { hashPassword, SampleDatabase, verifyPassword } from '../database/sample-database';

/** Compared against when the email is unknown, so both failures take the same time. */
const UNKNOWN_USER_HASH = hashPassword('no such user');

/** Checks an email and password against the users table. */
@Injectable()
export class CredentialsService {
  constructor(private readonly database: SampleDatabase) {}

  /** The user id; 401 with one message for an unknown email and a wrong password alike. */
  async check(email: string, password: string): Promise<number> {
    const row = await this.database.read(
      (db) =>
        db.prepare('SELECT id, password_hash FROM users WHERE email = ?').get(email) as
          { id: number; password_hash: string | null } | undefined,
    );
    const matches = verifyPassword(password, row ? row.password_hash : UNKNOWN_USER_HASH);
    if (!row || !matches) throw new UnauthenticatedError('Invalid email or password.');
    return row.id;
  }
}
