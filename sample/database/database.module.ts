import { DynamicModule, Global, Module, OnApplicationShutdown, Inject } from '@nestjs/common';
import { SampleDatabase } from './sample-database';

/** Provides the one `SampleDatabase` of the app and closes it on shutdown. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(SampleDatabase) private readonly database: SampleDatabase) {}

  /**
   * Opens the database now, before Nest builds the app: one that cannot be used stops the start
   * with its one-line reason (an error inside Nest's start-up is printed with a stack).
   */
  static forPath(path: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: SampleDatabase, useValue: new SampleDatabase(path) }],
      exports: [SampleDatabase],
    };
  }

  onApplicationShutdown(): void {
    this.database.close();
  }
}
