import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from 'nest-keycloak-auth';
import { ApiErrors } from '../common/api-errors.decorator.js';
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
  @ApiOperation({ summary: "List the realm's users, a page at a time (via the service account)" })
  @ApiOkResponse({ type: [RealmUserDto], description: 'A page of realm users' })
  @ApiErrors(
    {
      status: 400,
      description: '`first` or `max` is not a whole number in range',
      example: ['max must not be greater than 100'],
    },
    {
      status: 502,
      description: 'Keycloak refused or could not be reached',
      example: 'Failed to read users from Keycloak',
    },
  )
  listUsers(@Query() query: ListUsersQuery): Promise<RealmUserDto[]> {
    return this.admin.listUsers(query.first, query.max);
  }
}
