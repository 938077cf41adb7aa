import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What GET /partners/ping answers a caller of the partners realm. */
export class PartnerPingDto {
  @ApiProperty({ example: 'partners', description: "The caller's realm" })
  realm!: string;

  @ApiProperty({ example: '00000000-0000-4000-8000-0000000ba01a' })
  sub!: string;

  @ApiPropertyOptional({ example: 'paula' })
  username?: string;
}
