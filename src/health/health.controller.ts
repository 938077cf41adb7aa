import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { KeySource, OidcDiscoveryService, Public, RedisConnection } from 'nest-keycloak-auth';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { DatabaseService } from '../database/database.service.js';
import { ShutdownService } from '../shutdown/shutdown.service.js';
import { LivenessDto } from './dto/liveness.dto.js';
import { ReadinessDto } from './dto/readiness.dto.js';

/** Liveness and readiness for orchestrators. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(KeySource) private readonly keys: KeySource,
    @Inject(OidcDiscoveryService) private readonly discovery: OidcDiscoveryService,
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(ShutdownService) private readonly shutdown: ShutdownService,
    @Inject(RedisConnection) private readonly redis: RedisConnection,
  ) {}

  /** Liveness: the process answers. Never touches Keycloak. */
  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers (never calls Keycloak)' })
  @ApiOkResponse({ type: LivenessDto, description: 'The process is up' })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  /**
   * Readiness: the app is not shutting down (503 from the signal on, so load balancers stop
   * sending traffic before the server stops accepting it), tokens can be verified because the
   * signing keys are loaded, and the database answers. A 503 names the failing check and, when
   * discovery failed, why (the host, the port, the realm, the issuer); the database's host and
   * port, never its credentials. Redis (with REDIS_URL) is named, never a reason for 503: while
   * it is down each shared use falls back to this process.
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: signing keys loaded and the database answering' })
  @ApiOkResponse({ type: ReadinessDto, description: 'Tokens can be verified, items stored' })
  @ApiErrors({
    status: 503,
    description: 'Not ready: the message names the failing check',
    example: 'Not ready: database unreachable',
  })
  async ready(): Promise<ReadinessDto> {
    if (this.shutdown.draining) throw new ServiceUnavailableException('Not ready: shutting down');
    const status = this.keys.status();
    if (!status.ready) {
      const cause = this.discovery.failure;
      throw new ServiceUnavailableException(
        cause === undefined
          ? 'Not ready: signing keys not loaded (Keycloak JWKS unreachable)'
          : `Not ready: signing keys not loaded (Keycloak discovery failed: ${cause})`,
      );
    }
    const databaseFailure = await this.database.check();
    if (databaseFailure !== undefined) {
      throw new ServiceUnavailableException(`Not ready: database ${databaseFailure}`);
    }
    const ready: ReadinessDto = { status: 'ready', keys: status.keyCount, database: 'up' };
    if (this.redis.configured) ready.redis = this.redis.up ? 'up' : 'down';
    return ready;
  }
}
