import { BadRequestException } from '@nestjs/common';
import { AppValidationPipe } from '../../common/app-validation.pipe.js';
import { ListItemsQuery } from './list-items.query.js';

const pipe = new AppValidationPipe();

/** The query as the app's ValidationPipe hands it to the controller. */
const parse = (raw: unknown) =>
  pipe.transform(raw, { type: 'query', metatype: ListItemsQuery, data: undefined });

/** The message list of the 400 the pipe answers `raw` with. */
async function problems(raw: unknown): Promise<unknown> {
  const error: unknown = await parse(raw).then(
    () => new Error('the pipe accepted it'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(BadRequestException);
  return ((error as BadRequestException).getResponse() as { message: unknown }).message;
}

describe('ListItemsQuery through the app ValidationPipe', () => {
  it('defaults to the first 50 items of everyone', async () => {
    expect(await parse({})).toEqual({ limit: 50 });
  });

  it('reads limit, after and owner=me', async () => {
    const query = await parse({ limit: '100', after: '9007199254740991', owner: 'me' });
    expect(query).toEqual({ limit: 100, after: Number.MAX_SAFE_INTEGER, owner: 'me' });
    expect(query).toBeInstanceOf(ListItemsQuery);
  });

  it.each(['0', '101', '', '1e1', '0x10', ' 5', '-1', '1.0', ['1', '2']])(
    'refuses limit=%j',
    async (limit) => {
      expect(await problems({ limit })).toEqual(['limit must be a whole number from 1 to 100']);
    },
  );

  it.each(['0', '9007199254740992', 'x', ''])('refuses after=%j', async (after) => {
    expect(await problems({ after })).toEqual([
      'after must be a positive whole number (the id of the last item received)',
    ]);
  });

  it.each(['you', '', ['me', 'me']])('refuses owner=%j', async (owner) => {
    expect(await problems({ owner })).toEqual(["owner must be 'me'"]);
  });

  it('lists every problem, unknown parameters first', async () => {
    expect(await problems({ sort: 'name', limit: '0', owner: 'you' })).toEqual([
      'property sort should not exist',
      'limit must be a whole number from 1 to 100',
      "owner must be 'me'",
    ]);
  });
});
