import { ApiProperty } from '@nestjs/swagger';

/**
 * The body of every 4xx and 5xx answer the API documents: Nest's own `{statusCode, message,
 * error}`, which the auth library's and the app's filters write too.
 */
export class ApiError {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 })
  statusCode!: number;

  // A string, except for a 400 from body or query validation, where class-validator gives one
  // message per failed constraint. Sent as it always was (other teams' clients read it), so
  // typed as either rather than reshaped: see docs/errors.md.
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'id must be a positive whole number',
  })
  message!: string | string[];

  @ApiProperty({ description: 'The status text', example: 'Bad Request' })
  error!: string;
}
