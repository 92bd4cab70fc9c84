import { DynamicModule, Module } from '@nestjs/common';
import { StatusModule } from '../lib';
import type { SampleConfig } from './config/sample-config';
import { SampleConfigModule } from './config/sample-config.module';
import { DatabaseModule } from './database/database.module';
import { DocumentsModule } from './documents/documents.module';
import { OrdersModule } from './orders/orders.module';
import { jobsOptions, ReportsModule } from './reports/reports.module';
import { UsersModule } from './users/users.module';

/** The sample API: every situation of the guide, through nestjs-status, on SQLite. */
@Module({})
export class AppModule {
  static forConfig(config: SampleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SampleConfigModule.forConfig(config),
        DatabaseModule.forPath(config.databasePath),
        StatusModule.forRoot({ format: config.errorFormat, jobs: jobsOptions(config) }),
        UsersModule,
        DocumentsModule,
        OrdersModule,
        ReportsModule,
      ],
    };
  }
}
