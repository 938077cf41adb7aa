import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, type AuthModuleOptions } from 'nest-keycloak-auth';
import { AppController } from './app.controller.js';

/**
 * The whole service. AuthModule registers its guards, interceptor and error filter app-wide;
 * the options come from the caller: `authOptionsFromEnv(process.env)` in main.ts, the
 * Keycloak stand-in's options in the tests.
 */
@Module({})
export class AppModule {
  static forRoot(auth: AuthModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [AuthModule.forRoot(auth)],
      controllers: [AppController],
    };
  }
}
