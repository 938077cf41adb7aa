import { ApiProperty } from '@nestjs/swagger';

/** GET /health: the process answers. */
export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';
}
