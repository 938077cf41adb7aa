import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Scopes, type AuthPrincipal } from 'nest-keycloak-auth';
import { MeDto } from './me.dto.js';

/**
 * The caller's own identity: any valid token whose client was granted the `profile` scope
 * (Keycloak's default client scope: what lets a client read the user's profile).
 */
@ApiTags('me')
@Controller('me')
export class MeController {
  // No @ApiErrors: the only errors are the token checks', which documentAuth adds.
  @Get()
  @Scopes('profile')
  @ApiOperation({ summary: "The caller's identity, realm, roles and scopes, from the token" })
  @ApiOkResponse({ type: MeDto, description: 'Who the token says the caller is' })
  me(@CurrentUser() user: AuthPrincipal): MeDto {
    return {
      sub: user.sub,
      realm: user.realm,
      username: user.username,
      email: user.email,
      realmRoles: [...user.realmRoles],
      clientRoles: [...user.clientRoles],
      scopes: [...user.scopes],
    };
  }
}
