import { BadRequestException } from '@nestjs/common';
import { AppValidationPipe } from '../../common/app-validation.pipe.js';
import { ListItemsQuery } from './list-items.query.js';

/** The message list of the 400 that parsing `raw` throws. */
function problems(raw: unknown): unknown {
  try {
    ListItemsQuery.fromRequest(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { message: unknown }).message;
  }
  throw new Error('fromRequest accepted it');
}

describe('ListItemsQuery.fromRequest', () => {
  it('defaults to the first 50 items of everyone', () => {
    expect(ListItemsQuery.fromRequest({})).toEqual({ limit: 50 });
  });

  it('reads limit, after and owner=me', () => {
    const query = ListItemsQuery.fromRequest({
      limit: '100',
      after: '9007199254740991',
      owner: 'me',
    });
    expect(query).toEqual({ limit: 100, after: Number.MAX_SAFE_INTEGER, owner: 'me' });
    expect(query).toBeInstanceOf(ListItemsQuery);
  });

  it.each(['0', '101', '', '1e1', '0x10', ' 5', '-1', '1.0', ['1', '2']])(
    'refuses limit=%j',
    (limit) => {
      expect(problems({ limit })).toEqual(['limit must be a whole number from 1 to 100']);
    },
  );

  it.each(['0', '9007199254740992', 'x', ''])('refuses after=%j', (after) => {
    expect(problems({ after })).toEqual([
      'after must be a positive whole number (the id of the last item received)',
    ]);
  });

  it('lists every problem, unknown parameters first', () => {
    expect(problems({ sort: 'name', limit: '0', owner: 'you' })).toEqual([
      'property sort should not exist',
      'limit must be a whole number from 1 to 100',
      "owner must be 'me'",
    ]);
  });
});

describe('AppValidationPipe with a type that parses itself', () => {
  const pipe = new AppValidationPipe();

  it('hands the raw query to fromRequest', async () => {
    const query = await pipe.transform(
      { limit: '2' },
      { type: 'query', metatype: ListItemsQuery, data: undefined },
    );
    expect(query).toEqual({ limit: 2 });
  });

  it('leaves types that only happen to have a static parse (Date) to ValidationPipe', async () => {
    const since = await pipe.transform('2026-12-01', {
      type: 'query',
      metatype: Date,
      data: 'since',
    });
    expect(typeof since).not.toBe('number');
  });

  it('answers 400 with fromRequest’s messages', async () => {
    await expect(
      pipe.transform(
        { owner: 'you' },
        { type: 'query', metatype: ListItemsQuery, data: undefined },
      ),
    ).rejects.toThrow(BadRequestException);
  });
});
