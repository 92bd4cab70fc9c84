import { Controller, Get } from '@nestjs/common';
import { Authenticated, CurrentUser } from '../../lib';
import type { User } from '../users/user.dto';

@Controller('api/profile')
export class ProfileController {
  /** 200 the caller; 401 + `WWW-Authenticate` without a token or with a bad one. */
  @Authenticated()
  @Get()
  profile(@CurrentUser() user: User) {
    const { id, name, email, role, createdAt } = user;
    return { id, name, email, role, createdAt };
  }
}
