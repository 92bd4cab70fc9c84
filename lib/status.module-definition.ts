import { ConfigurableModuleBuilder } from '@nestjs/common';
import { StatusModuleOptions } from './options/status-options';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: STATUS_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<StatusModuleOptions>({ moduleName: 'Status' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createStatusOptions')
  .build();
