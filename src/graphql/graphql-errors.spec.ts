import { jest } from '@jest/globals';
import { Logger, NotFoundException, PreconditionFailedException } from '@nestjs/common';
import { fieldError, fieldErrorOf, formatError } from './graphql-errors.js';

describe('fieldErrorOf', () => {
  it.each([
    [new NotFoundException('Item 7 not found'), 'Item 7 not found', 'NOT_FOUND', 404],
    [new PreconditionFailedException('changed'), 'changed', 'PRECONDITION_FAILED', 412],
  ])('keeps a 4xx message with its code', (exception, message, code, status) => {
    const error = fieldErrorOf(exception);
    expect([error.message, error.extensions]).toEqual([message, { code, status }]);
  });

  it('joins validation messages and hides a 5xx text', () => {
    expect(fieldError(400, ['a', 'b']).message).toBe('a; b');
    expect(fieldError(500, 'pool at 10.0.0.5 failed')).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR', status: 500 },
    });
  });
});

describe('formatError', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('keeps a known code and its message, without originalError or stacktrace', () => {
    const formatted = formatError(
      {
        message: 'Item 7 not found',
        path: ['item'],
        extensions: { code: 'NOT_FOUND', originalError: { x: 1 }, stacktrace: ['at x'] },
      },
      undefined,
    );
    expect(formatted).toEqual({
      message: 'Item 7 not found',
      path: ['item'],
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it('turns anything else into "Internal server error"', () => {
    const formatted = formatError(
      { message: 'relation "items" does not exist', path: ['items'], extensions: {} },
      new TypeError('x'),
    );
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['items'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});
