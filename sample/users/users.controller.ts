import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { Created, CurrentVersion, ETag } from '../../lib';
import { Throws } from '../../lib/openapi';
import { Page, paginate, Paginated } from '../../lib/pagination';
import { Checked, CheckedVersion } from '../locking/checked-version';
import { EmailTaken } from './user.errors';
import { UserDto, UserView } from './user.dto';
import { UserListQuery } from './user-list.query';
import { UserVersions } from './user-versions';
import { UsersService } from './users.service';

/** `ETag: "v<version>"` of a user, on its reads and writes alike. */
const userTag = (user: { version: number }) => user.version;

@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** 201 + `Location: /api/users/{id}`; 422 per field; 409 when the email is taken. */
  @Post()
  @Created()
  @Throws(EmailTaken)
  async create(@Body() dto: UserDto) {
    return new UserView(await this.users.create(dto));
  }

  /**
   * 200 `{ data, pagination }` + `Link` + `X-Total-Count`, also when nothing matches;
   * 422 naming `page`, `limit` (1..100) or `filter` (`role:R`).
   */
  @Get()
  @Paginated()
  async list(@Query() query: UserListQuery): Promise<Page<UserView>> {
    const { users, totalCount } = await this.users.list(query);
    return paginate(
      users.map((user) => new UserView(user)),
      totalCount,
      query,
    );
  }

  /** 200 + `ETag: "v<version>"`; 304 on a matching `If-None-Match`; 404 for an id that names no user. */
  @Get(':id')
  @ETag(userTag)
  async findOne(@Param('id') id: string) {
    return new UserView(await this.users.find(id));
  }

  /** 200 with the updated user and its new ETag; 404; 409 `{ currentVersion }` when `If-Match` is stale; 409 email taken; 422. */
  @Put(':id')
  @ETag(userTag)
  @CurrentVersion(UserVersions)
  @Throws(EmailTaken)
  async replace(@Param('id') id: string, @Body() dto: UserDto, @Checked() checked: CheckedVersion) {
    return new UserView(await this.users.replace(id, dto, checked));
  }
}
