import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Who the caller is, as GET /me returns it. */
export class MeDto {
  @ApiProperty({ example: 'f1b7c2de-8e0a-4b5e-9a43-2e1f1c6d9b10' })
  sub!: string;

  @ApiProperty({ example: 'demo', description: 'The accepted realm whose token this is' })
  realm!: string;

  @ApiPropertyOptional({ example: 'alice' })
  username?: string;

  @ApiPropertyOptional({ example: 'alice@example.com' })
  email?: string;

  @ApiProperty({ example: ['default-roles-demo'] })
  realmRoles!: string[];

  @ApiProperty({ example: ['api-admin'] })
  clientRoles!: string[];

  @ApiProperty({ example: ['openid', 'profile', 'email'] })
  scopes!: string[];
}
