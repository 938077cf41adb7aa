import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from 'nest-keycloak-auth';
import { MeDto } from './me.dto.js';

/** The caller's own identity; any valid token. */
@ApiTags('me')
@Controller('me')
export class MeController {
  @Get()
  @ApiOkResponse({ type: MeDto })
  me(@CurrentUser() user: AuthPrincipal): MeDto {
    return {
      sub: user.sub,
      username: user.username,
      email: user.email,
      realmRoles: [...user.realmRoles],
      clientRoles: [...user.clientRoles],
      scopes: [...user.scopes],
    };
  }
}
