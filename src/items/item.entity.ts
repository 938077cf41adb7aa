import { ApiProperty } from '@nestjs/swagger';

/** An item as the API returns it. */
export class Item {
  @ApiProperty({ example: 1, description: 'Positive integer id', type: 'integer', minimum: 1 })
  id!: number;

  @ApiProperty({ example: 'Blue widget', minLength: 1, maxLength: 100 })
  name!: string;

  @ApiProperty({
    example: 'f1b7c2de-8e0a-4b5e-9a43-2e1f1c6d9b10',
    description: 'sub of the creator',
  })
  owner!: string;

  @ApiProperty({ example: '2026-12-01T10:00:00.000Z', format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ example: '2026-12-01T10:00:00.000Z', format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({
    example: 1,
    type: 'integer',
    minimum: 1,
    description: 'Bumped by every change; the ETag carries it',
  })
  version!: number;
}
