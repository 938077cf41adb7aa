import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { KeySource, Public } from 'nest-keycloak-auth';

/** Liveness and readiness for orchestrators. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(KeySource) private readonly keys: KeySource) {}

  /** Liveness: the process answers. Never touches Keycloak. */
  @Get()
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: string } {
    return { status: 'ok' };
  }

  /** Readiness: tokens can be verified because the signing keys are loaded. */
  @Get('ready')
  @ApiOkResponse({ schema: { example: { status: 'ready', keys: 2 } } })
  @ApiServiceUnavailableResponse({ description: 'Signing keys not loaded yet' })
  ready(): { status: string; keys: number } {
    const status = this.keys.status();
    if (!status.ready) {
      throw new ServiceUnavailableException('Signing keys not loaded: Keycloak JWKS unreachable');
    }
    return { status: 'ready', keys: status.keyCount };
  }
}
