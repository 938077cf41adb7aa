import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AuthModuleOptions } from './auth-options.interface.js';

/** `AuthModule.forRoot(options)` / `forRootAsync({ useFactory, inject })`, built by Nest. */
export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<AuthModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
