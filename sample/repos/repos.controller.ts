import { Controller, Get, Param } from '@nestjs/common';
import { Authenticated, CurrentUser, HideForbidden } from '../../lib';
import type { User } from '../users/user.dto';
import { RepoNotFound } from './repo-not-found.error';
import { ReposService } from './repos.service';

@Controller('api/repos')
export class ReposController {
  constructor(private readonly repos: ReposService) {}

  /** 200 a public repo or the caller's own; 401; 404 for a missing repo and for another's private one alike. */
  @Authenticated()
  @HideForbidden(() => new RepoNotFound())
  @Get(':id')
  findOne(@Param('id') id: string, @CurrentUser() caller: User) {
    return this.repos.findFor(id, caller);
  }
}
