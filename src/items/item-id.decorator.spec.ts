import { BadRequestException } from '@nestjs/common';
import { parseItemId } from './item-id.decorator.js';

describe('parseItemId', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('reads %p as %i', (raw, id) => {
    expect(parseItemId(raw)).toBe(id);
  });

  it.each(['0', '-1', '01', '1.0', '1e3', '0x10', ' 1', '9007199254740992', '', undefined, 7])(
    'refuses %p with a fixed 400',
    (raw) => {
      expect(() => parseItemId(raw)).toThrow(
        new BadRequestException('id must be a positive whole number'),
      );
    },
  );
});
