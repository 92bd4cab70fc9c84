import { IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../../lib/pagination';

/**
 * Query of `GET /api/users`: `page` and `limit` (1..100) from `PageQuery`, and the guide's
 * filter syntax `filter=role:R`. Role is the only field a list of users is filtered on; any
 * other is a 422 naming `filter`.
 */
export class UserListQuery extends PageQuery {
  @IsOptional()
  @Matches(/^role:[A-Za-z0-9_-]{1,50}$/, {
    message: 'filter must be role:<role> (for example role:admin); role is the only field.',
  })
  filter?: string;
}

/**
 * The role a list query filters on, if any. (A function, not a getter of the query class: the
 * class holds only what a client may send, so `?role=` stays an unknown parameter.)
 */
export function roleFilter(query: UserListQuery): string | undefined {
  return query.filter?.slice('role:'.length);
}
