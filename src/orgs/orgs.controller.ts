import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentOrganization, RequireOrganization, type Organization } from 'nest-keycloak-auth';
import { OrganizationDto } from './organization.dto.js';

/**
 * Routes scoped by a Keycloak Organization named in the path: only its members get through
 * (tokens requested with `scope=openid organization:*`, or `organization:<alias>`).
 */
@ApiTags('orgs')
@Controller('orgs')
export class OrgsController {
  @Get(':org')
  @RequireOrganization({ param: 'org' })
  @ApiOperation({ summary: 'The named organization, as the caller belongs to it' })
  @ApiParam({ name: 'org', description: "The organization's alias", example: 'acme' })
  @ApiOkResponse({ type: OrganizationDto, description: 'The caller is a member' })
  show(@CurrentOrganization() organization: Organization): OrganizationDto {
    return {
      alias: organization.alias,
      ...(organization.id !== undefined && { id: organization.id }),
      ...(organization.attributes && { attributes: copyAttributes(organization.attributes) }),
    };
  }
}

function copyAttributes(
  attributes: Readonly<Record<string, readonly string[]>>,
): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, values]) => [name, [...values]]),
  );
}
