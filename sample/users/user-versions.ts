import { Injectable } from '@nestjs/common';
import { CurrentVersionResolver } from '../../lib';
import { recordCheckedVersion } from '../locking/checked-version';
import type { User } from './user.dto';
import { UsersService } from './users.service';

/**
 * The current user of a `PUT /api/users/{id}`, read before the handler runs so a stale
 * `If-Match` is refused without writing. A PUT here does not create: a missing user is the
 * handler's own 404 (thrown by `find`), which RFC 9110 13.2.1 puts before the precondition. The
 * version it finds is recorded for the handler, whose write then happens only at that version.
 */
@Injectable()
export class UserVersions implements CurrentVersionResolver<User> {
  constructor(private readonly users: UsersService) {}

  async resolve(request: { params: { id: string } }): Promise<User> {
    const user = await this.users.find(request.params.id);
    recordCheckedVersion(request, user.version);
    return user;
  }
}
