import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { Created, Page, paginate, Paginated } from '../../lib';
import { User, UserDto } from './user.dto';
import { UserListQuery } from './user-list.query';
import { UsersService } from './users.service';

/** A user as the API sends it (the version lives in the ETag, not the body). */
function view({ id, name, email, role, createdAt }: User) {
  return { id, name, email, role, createdAt };
}

@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** 201 + `Location: /api/users/{id}`; 422 per field; 409 when the email is taken. */
  @Post()
  @Created()
  create(@Body() dto: UserDto) {
    return view(this.users.create(dto));
  }

  /**
   * 200 `{ data, pagination }` + `Link` + `X-Total-Count`, also when nothing matches;
   * 422 naming `page`, `limit` (1..100) or `filter` (`role:R`).
   */
  @Get()
  @Paginated()
  list(@Query() query: UserListQuery): Page<ReturnType<typeof view>> {
    const { users, totalCount } = this.users.list(query);
    return paginate(users.map(view), totalCount, query);
  }

  /** 200, or 404 for an id that names no user. */
  @Get(':id')
  findOne(@Param('id') id: string) {
    return view(this.users.find(id));
  }

  /** 200 with the updated user; 404; 409 email taken; 422. */
  @Put(':id')
  replace(@Param('id') id: string, @Body() dto: UserDto) {
    return view(this.users.replace(id, dto));
  }
}
