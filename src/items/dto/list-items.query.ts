import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';

const LIMIT = 'limit must be a whole number from 1 to 100';
const AFTER = 'after must be a positive whole number (the id of the last item received)';
const OWNER = "owner must be 'me'";
const KNOWN = new Set(['limit', 'after', 'owner']);

/**
 * `GET /items`' query. It parses itself (`ListItemsQuery.fromRequest`, called by the app's
 * ValidationPipe) instead of going through class-validator: three flat parameters on the most
 * frequent route, where class-transformer plus class-validator cost about 17 µs per request,
 * 12 % of the route's CPU on Fastify (`npm run bench`, BENCH_CPU_PROF=1). The answers are the
 * ones ValidationPipe gave: 400 with every problem in `message`, unknown parameters included.
 */
export class ListItemsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 50 })
  limit = 50;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Cursor: the id of the last item of the previous page (see the Link header)',
  })
  after?: number;

  @ApiPropertyOptional({ enum: ['me'], description: "`me`: only the caller's items" })
  owner?: 'me';

  /** The query of a request, checked; 400 listing each problem when it is not acceptable. */
  static fromRequest(raw: unknown): ListItemsQuery {
    const params = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const query = new ListItemsQuery();
    const problems: string[] = [];
    for (const name of Object.keys(params)) {
      if (!KNOWN.has(name)) problems.push(`property ${name} should not exist`);
    }
    if (params.limit !== undefined) {
      const limit = wholeNumber(params.limit, 100);
      if (limit === undefined) problems.push(LIMIT);
      else query.limit = limit;
    }
    if (params.after !== undefined) {
      query.after = wholeNumber(params.after, Number.MAX_SAFE_INTEGER);
      if (query.after === undefined) problems.push(AFTER);
    }
    if (params.owner !== undefined) {
      if (params.owner === 'me') query.owner = 'me';
      else problems.push(OWNER);
    }
    if (problems.length > 0) throw new BadRequestException(problems);
    return query;
  }
}

/**
 * 1 to `max` written as plain decimal digits. Anything else (`0`, `1e3`, `0x10`, ` 5`, a
 * repeated parameter, which arrives as an array) is undefined: refused with the fixed message.
 */
function wholeNumber(value: unknown, max: number): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) return undefined;
  const number = Number(value);
  return number >= 1 && number <= max && Number.isSafeInteger(number) ? number : undefined;
}
