import { ConfigurableModuleBuilder, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { AuthModuleOptions } from './auth-options.js';
import { AuthErrorFilter } from './filters/auth-error.filter.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { RolesGuard } from './guards/roles.guard.js';
import { ScopesGuard } from './guards/scopes.guard.js';

/** Options that shape the module itself, given next to the others (also to `forRootAsync`). */
export interface AuthModuleExtras {
  /** Make the module's services injectable everywhere. @default true */
  isGlobal?: boolean;
  /**
   * Register JwtAuthGuard, RolesGuard, ScopesGuard (in that order) and AuthErrorFilter app-wide. `false`
   * leaves that to the app, so that a subclass of one of them is what runs. (Introspection
   * needs no registration: `@RequireActiveToken()` brings its interceptor.) @default true
   */
  registerGlobally?: boolean;
}

/** The app-wide registrations `registerGlobally` adds. */
const GLOBAL_PROVIDERS: Provider[] = [
  { provide: APP_GUARD, useClass: JwtAuthGuard },
  { provide: APP_GUARD, useClass: RolesGuard },
  { provide: APP_GUARD, useClass: ScopesGuard },
  { provide: APP_FILTER, useClass: AuthErrorFilter },
];

/** `AuthModule.forRoot(options)` / `forRootAsync({ useFactory, inject })`, built by Nest. */
export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<AuthModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<AuthModuleExtras>(
    { isGlobal: true, registerGlobally: true },
    (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
      providers: [
        ...(definition.providers ?? []),
        ...(extras.registerGlobally === false ? [] : GLOBAL_PROVIDERS),
      ],
    }),
  )
  .build();
