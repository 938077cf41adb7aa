import { ApiProperty } from '@nestjs/swagger';

/** GET /health/ready when tokens can be verified and items stored. */
export class ReadinessDto {
  @ApiProperty({ enum: ['ready'], example: 'ready' })
  status!: 'ready';

  @ApiProperty({ type: 'integer', minimum: 0, example: 2, description: 'Signing keys loaded' })
  keys!: number;

  @ApiProperty({ enum: ['up'], example: 'up', description: 'The database answered' })
  database!: 'up';

  @ApiProperty({
    enum: ['up', 'down'],
    required: false,
    example: 'up',
    description:
      'With REDIS_URL only: whether the Redis shared by the replicas answers. `down` keeps the API ready: each shared use falls back to this process',
  })
  redis?: 'up' | 'down';
}
