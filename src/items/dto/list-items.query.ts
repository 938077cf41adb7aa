import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, ValidateBy } from 'class-validator';

const LIMIT = 'limit must be a whole number from 1 to 100';
const AFTER = 'after must be a positive whole number (the id of the last item received)';

/**
 * Plain decimal digits become a number; anything else (`1e3`, `0x10`, ` 5`, a repeated
 * parameter) becomes NaN, which the validators refuse with the fixed message.
 */
const wholeNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;

/** One rule, so a bad value gets one message (IsInt + Min + Max would each add theirs). */
const IsWholeNumber = (min: number, max: number, message: string) =>
  ValidateBy(
    {
      name: 'isWholeNumber',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
      },
    },
    { message },
  );

/** Query of GET /items: keyset paging and the owner filter. */
export class ListItemsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Transform(wholeNumber)
  @IsWholeNumber(1, 100, LIMIT)
  limit = 50;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Cursor: the id of the last item of the previous page (see the Link header)',
  })
  @IsOptional()
  @Transform(wholeNumber)
  @IsWholeNumber(1, Number.MAX_SAFE_INTEGER, AFTER)
  after?: number;

  @ApiPropertyOptional({ enum: ['me'], description: "`me`: only the caller's items" })
  @IsOptional()
  @IsIn(['me'], { message: "owner must be 'me'" })
  owner?: 'me';
}
