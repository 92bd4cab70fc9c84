import { Module } from '@nestjs/common';
import { UserVersions } from './user-versions';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [UsersController],
  providers: [UsersService, UserVersions],
  exports: [UsersService],
})
export class UsersModule {}
