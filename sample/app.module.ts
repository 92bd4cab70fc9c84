import { DynamicModule, Module } from '@nestjs/common';
import { StatusModule } from '../lib';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { sampleAuth, sampleRateLimit } from './auth/status-options';
import type { SampleConfig } from './config/sample-config';
import { SampleConfigModule } from './config/sample-config.module';
import { DatabaseModule } from './database/database.module';
import { DocumentsModule } from './documents/documents.module';
import { OrdersModule } from './orders/orders.module';
import { jobsOptions, ReportsModule } from './reports/reports.module';
import { ReposModule } from './repos/repos.module';
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
        StatusModule.forRoot({
          errors: { format: config.errorFormat },
          jobs: jobsOptions(config),
          auth: sampleAuth,
          rateLimit: sampleRateLimit(config),
        }),
        UsersModule,
        DocumentsModule,
        OrdersModule,
        ReportsModule,
        AuthModule,
        AdminModule,
        ReposModule,
      ],
    };
  }
}
