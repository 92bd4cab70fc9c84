import { DynamicModule, Global, Inject, Module } from '@nestjs/common';
import type { SampleConfig } from './sample-config';

const SAMPLE_CONFIG = Symbol('SAMPLE_CONFIG');

/** Injects the sample's `SampleConfig`. */
export const InjectSampleConfig = () => Inject(SAMPLE_CONFIG);

/** Makes the sample's configuration injectable everywhere. */
@Global()
@Module({})
export class SampleConfigModule {
  static forConfig(config: SampleConfig): DynamicModule {
    return {
      module: SampleConfigModule,
      providers: [{ provide: SAMPLE_CONFIG, useValue: config }],
      exports: [SAMPLE_CONFIG],
    };
  }
}
