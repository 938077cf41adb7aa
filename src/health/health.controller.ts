import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { KeySource, OidcDiscoveryService, Public } from 'nest-keycloak-auth';

/** Liveness and readiness for orchestrators. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(KeySource) private readonly keys: KeySource,
    @Inject(OidcDiscoveryService) private readonly discovery: OidcDiscoveryService,
  ) {}

  /** Liveness: the process answers. Never touches Keycloak. */
  @Get()
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: string } {
    return { status: 'ok' };
  }

  /**
   * Readiness: tokens can be verified because the signing keys are loaded. A 503 names the
   * failing check and, when discovery failed, why (the host, the port, the realm, the issuer).
   */
  @Get('ready')
  @ApiOkResponse({ schema: { example: { status: 'ready', keys: 2 } } })
  @ApiServiceUnavailableResponse({ description: 'Signing keys not loaded yet' })
  ready(): { status: string; keys: number } {
    const status = this.keys.status();
    if (!status.ready) {
      const cause = this.discovery.failure;
      throw new ServiceUnavailableException(
        cause === undefined
          ? 'Not ready: signing keys not loaded (Keycloak JWKS unreachable)'
          : `Not ready: signing keys not loaded (Keycloak discovery failed: ${cause})`,
      );
    }
    return { status: 'ready', keys: status.keyCount };
  }
}
