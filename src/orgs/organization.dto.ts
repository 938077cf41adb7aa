import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One of the caller's Keycloak Organizations, as GET /orgs/{org} returns it. */
export class OrganizationDto {
  @ApiProperty({ example: 'acme', description: "The organization's alias" })
  alias!: string;

  @ApiPropertyOptional({
    example: '62fc5b8e-0a53-4a5b-9d5e-1c2b3a4d5e6f',
    description: "Its id, when the realm's organization mapper adds ids",
  })
  id?: string;

  @ApiPropertyOptional({
    example: { tier: ['gold'] },
    description: "Its attributes, when the realm's organization mapper adds them",
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
  })
  attributes?: Record<string, string[]>;
}
