import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A realm user as GET /admin/users returns it. */
export class RealmUserDto {
  @ApiProperty({ example: '5c1f0d5e-3a57-4b8e-9d59-0e3f6a1f8b21' })
  id!: string;

  @ApiProperty({ example: 'alice' })
  username!: string;

  @ApiPropertyOptional({ example: 'alice@example.com' })
  email?: string;

  @ApiProperty({ example: true })
  enabled!: boolean;
}
