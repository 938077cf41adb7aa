import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Realms, type AuthPrincipal } from 'nest-keycloak-auth';
import { PartnerPingDto } from './partner-ping.dto.js';

/**
 * Routes for the partners realm only (`KEYCLOAK_REALMS=demo,partners`): a token of another
 * accepted realm gets 403. Without partners in the list the route refuses everyone (and the
 * library warns at start-up).
 */
@ApiTags('partners')
@Controller('partners')
@Realms('partners')
export class PartnersController {
  @Get('ping')
  @ApiOperation({ summary: 'Answers callers whose token comes from the partners realm' })
  @ApiOkResponse({ type: PartnerPingDto, description: 'The caller is in the partners realm' })
  ping(@CurrentUser() user: AuthPrincipal): PartnerPingDto {
    return { realm: user.realm, sub: user.sub, username: user.username };
  }
}
