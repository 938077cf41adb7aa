import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * A whole number from 1 to `max`, as {@link toWholeNumber} leaves it: anything that was not
 * plain decimal digits (`1e3`, `0x10`, ` 5`, a repeated parameter, which arrives as an array)
 * is still a string or an array here, and refused with the one fixed message.
 */
function IsWholeNumber(max: number, options: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isWholeNumber',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= max,
      },
    },
    options,
  );
}

/** Plain decimal digits become a number; anything else stays as sent, for the check to refuse. */
const toWholeNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;

/**
 * `GET /items`' query, checked by the app's ValidationPipe: 400 with every problem in
 * `message`, one fixed message per parameter, unknown parameters refused.
 */
export class ListItemsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Transform(toWholeNumber)
  @IsWholeNumber(100, { message: 'limit must be a whole number from 1 to 100' })
  limit = 50;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Cursor: the id of the last item of the previous page (see the Link header)',
  })
  @IsOptional()
  @Transform(toWholeNumber)
  @IsWholeNumber(Number.MAX_SAFE_INTEGER, {
    message: 'after must be a positive whole number (the id of the last item received)',
  })
  after?: number;

  @ApiPropertyOptional({ enum: ['me'], description: "`me`: only the caller's items" })
  @IsOptional()
  @IsIn(['me'], { message: "owner must be 'me'" })
  owner?: 'me';
}
