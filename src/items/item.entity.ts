import { ApiProperty } from '@nestjs/swagger';

/** An item as the API returns it. */
export class Item {
  @ApiProperty({ example: 1, description: 'Positive integer id' })
  id!: number;

  @ApiProperty({ example: 'Blue widget' })
  name!: string;

  @ApiProperty({
    example: 'f1b7c2de-8e0a-4b5e-9a43-2e1f1c6d9b10',
    description: 'sub of the creator',
  })
  owner!: string;
}
