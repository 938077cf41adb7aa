import { Controller, Get, Inject } from '@nestjs/common';
import {
  AnyRole,
  CurrentUser,
  Public,
  RequireActiveToken,
  Roles,
  ServiceTokenClient,
  type AuthPrincipal,
} from 'nest-keycloak-auth';

/** One route per rule: every route needs a valid token unless it is marked @Public(). */
@Controller()
export class AppController {
  constructor(@Inject(ServiceTokenClient) private readonly serviceTokens: ServiceTokenClient) {}

  @Public()
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every listed role is required. */
  @Roles('api-admin')
  @Get('admin')
  admin(): { admin: true } {
    return { admin: true };
  }

  /** One of the listed roles is enough. */
  @AnyRole('api-read', 'api-admin')
  @Get('reports')
  reports(@CurrentUser() user: AuthPrincipal): { user: string | undefined } {
    return { user: user.username };
  }

  /** Asks Keycloak (token introspection, briefly cached) whether the token is still active. */
  @RequireActiveToken()
  @Get('payments')
  payments(): { payments: [] } {
    return { payments: [] };
  }

  /**
   * Whether this service can get its own client-credentials token (for calls to other APIs).
   * Only the yes/no leaves the process, never the token.
   */
  @Get('service-token')
  async serviceToken(): Promise<{ obtained: boolean }> {
    try {
      return { obtained: (await this.serviceTokens.getToken()).length > 0 };
    } catch {
      return { obtained: false };
    }
  }
}
