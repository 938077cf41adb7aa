import { BadRequestException, PreconditionFailedException } from '@nestjs/common';
import { etagOf, parseIfMatch } from './if-match.js';

describe('ETag and If-Match', () => {
  it('writes a version as a strong entity tag', () => {
    expect(etagOf(3)).toBe('"3"');
  });

  it.each([
    [undefined, undefined],
    ['*', undefined],
    [' * ', undefined],
    ['"3"', [3]],
    ['"3", "5"', [3, 5]],
    ['W/"3", "4"', [4]],
  ])('reads %p as versions %p', (header, versions) => {
    expect(parseIfMatch(header)).toEqual(versions);
  });

  it.each(['W/"3"', 'W/"3", W/"4"'])('answers %p, weak tags only, 412 saying why', (header) => {
    expect(() => parseIfMatch(header)).toThrow(
      new PreconditionFailedException(
        'If-Match takes strong entity tags only (RFC 9110): send the ETag as received, e.g. "3", not W/"3"',
      ),
    );
  });

  it.each(['3', '"3', 'abc', '"x"', '"3",', '"1234567890"'])('refuses %p with 400', (header) => {
    expect(() => parseIfMatch(header)).toThrow(BadRequestException);
  });
});
