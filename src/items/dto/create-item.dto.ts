import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';

/**
 * No C0 control (NUL included), DEL or C1 control: PostgreSQL refuses NUL in text, and the
 * others would reach log lines and other clients' screens. The OpenAPI `pattern` is this text.
 */
const WITHOUT_CONTROL_CHARACTERS = '^[^\\u0000-\\u001F\\u007F-\\u009F]*$';

/** Body of POST /items. */
export class CreateItemDto {
  @ApiProperty({
    example: 'Blue widget',
    minLength: 1,
    maxLength: 100,
    pattern: WITHOUT_CONTROL_CHARACTERS,
    description:
      'Trimmed of leading and trailing white space; any other character except controls ' +
      '(U+0000–U+001F, U+007F–U+009F)',
  })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  @Matches(new RegExp(WITHOUT_CONTROL_CHARACTERS), {
    message: 'name must not contain control characters',
  })
  name!: string;
}
