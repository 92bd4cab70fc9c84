import { Module } from '@nestjs/common';
import { ReposController } from './repos.controller';
import { ReposService } from './repos.service';

/** Repositories, some private: the hidden-404 example. */
@Module({ controllers: [ReposController], providers: [ReposService] })
export class ReposModule {}
