import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** 1 to 9,007,199,254,740,991 written as plain decimal digits, no sign, no leading zero. */
const ITEM_ID = /^[1-9]\d{0,15}$/;

/**
 * The `:id` path parameter as a positive integer, read from the raw text. ParseIntPipe after
 * the global ValidationPipe sees `+value`, so `0x10`, `1e3` and `1.0` would pass as numbers.
 */
export const ItemId = createParamDecorator((_data: unknown, context: ExecutionContext): number =>
  parseItemId(context.switchToHttp().getRequest<{ params: Record<string, unknown> }>().params.id),
);

/** The id a path parameter names; 400 when it is not a positive whole number. */
export function parseItemId(raw: unknown): number {
  const id = typeof raw === 'string' && ITEM_ID.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id)) {
    throw new BadRequestException('id must be a positive whole number');
  }
  return id;
}
