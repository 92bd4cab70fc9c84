import { DynamicModule, Global, Module, OnApplicationShutdown, Inject } from '@nestjs/common';
import { SampleDatabase } from './sample-database';

/** Provides the one `SampleDatabase` of the app and closes it on shutdown. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(SampleDatabase) private readonly database: SampleDatabase) {}

  static forPath(path: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: SampleDatabase, useFactory: () => new SampleDatabase(path) }],
      exports: [SampleDatabase],
    };
  }

  onApplicationShutdown(): void {
    this.database.close();
  }
}
