import { Controller, Delete, Param } from '@nestjs/common';
import { Roles } from '../../lib';
import { UsersService } from '../users/users.service';

@Controller('api/admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  /** 204; 401 without a valid token; 403 for a non-admin; 404 for a missing user. */
  @Roles('admin', { message: 'Admin role required to delete users.' })
  @Delete(':id')
  remove(@Param('id') id: string): Promise<void> {
    return this.users.remove(id);
  }
}
