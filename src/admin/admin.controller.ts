import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from 'nest-keycloak-auth';
import { ListUsersQuery } from './dto/list-users.query.js';
import { RealmUserDto } from './dto/realm-user.dto.js';
import { KeycloakAdminService } from './keycloak-admin.service.js';

/** Realm administration, for `api-admin` only. */
@ApiTags('admin')
@Roles('api-admin')
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: KeycloakAdminService) {}

  @Get('users')
  @ApiOkResponse({ type: [RealmUserDto] })
  @ApiBadGatewayResponse({ description: 'Keycloak refused or could not be reached' })
  listUsers(@Query() query: ListUsersQuery): Promise<RealmUserDto[]> {
    return this.admin.listUsers(query.first, query.max);
  }
}
