import { jest } from '@jest/globals';
import { ArgumentsHost, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { sql } from 'drizzle-orm';
import { DatabaseErrorFilter } from './database-error.filter.js';
import {
  classifyDatabaseError,
  DatabaseConstraintError,
  DatabaseInputError,
  DatabaseUnavailableError,
} from './database-errors.js';
import { items } from './schema.js';
import type { DatabaseService } from './database.service.js';
import { inMemoryDatabase } from './testing.js';

describe('classifyDatabaseError', () => {
  it.each([
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['an admin shutdown (57P01)', Object.assign(new Error('terminating'), { code: '57P01' })],
    ['a statement timeout (57014)', Object.assign(new Error('canceling'), { code: '57014' })],
    ['too many connections (53300)', Object.assign(new Error('too many'), { code: '53300' })],
    ['the pool timing out', new Error('timeout exceeded when trying to connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a closed PGlite', new Error('PGlite is closed')],
    [
      'one wrapped by Drizzle',
      new Error('Failed query', { cause: Object.assign(new Error('x'), { code: '08006' }) }),
    ],
  ])('sorts %s as unavailable', (_label, error) => {
    expect(classifyDatabaseError(error)).toBeInstanceOf(DatabaseUnavailableError);
  });

  it.each(['22001', '22003', '22021', '22P02', '22P05'])(
    'sorts data exception %s, caused by a value, as input (without the value)',
    (code) => {
      const cause = Object.assign(new Error('invalid byte sequence: 0x00'), { code });
      const sorted = classifyDatabaseError(new Error('Failed query: params: a\0b', { cause }));
      expect(sorted).toBeInstanceOf(DatabaseInputError);
      expect(sorted).toMatchObject({ sqlState: code });
      expect((sorted as Error).message).not.toMatch(/params|0x00/);
    },
  );

  it('sorts division by zero (22012) as itself: no client value makes the API divide', () => {
    const bug = Object.assign(new Error('division by zero'), { code: '22012' });
    expect(classifyDatabaseError(bug)).toBe(bug);
  });

  it('sorts a syntax error (42601) as itself: a bug, answered 500', () => {
    const bug = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(classifyDatabaseError(bug)).toBe(bug);
  });

  describe('on a real database', () => {
    let database: DatabaseService;

    beforeAll(async () => {
      database = await inMemoryDatabase();
    });

    afterAll(async () => {
      await database.onApplicationShutdown();
    });

    it('turns a check constraint violation into DatabaseConstraintError naming it', async () => {
      const write = database.run((db) =>
        db.insert(items).values({ name: 'x'.repeat(101), owner: 'someone' }),
      );
      await expect(write).rejects.toBeInstanceOf(DatabaseConstraintError);
      await expect(write).rejects.toMatchObject({ constraint: 'items_name_length' });
    });

    it('turns a NUL in text into DatabaseInputError', async () => {
      const write = database.run((db) => db.insert(items).values({ name: 'a\0b', owner: 'x' }));
      await expect(write).rejects.toBeInstanceOf(DatabaseInputError);
    });

    it('leaves a broken query alone', async () => {
      await expect(database.run((db) => db.execute(sql`selec 1`))).rejects.not.toBeInstanceOf(
        DatabaseUnavailableError,
      );
    });
  });
});

describe('DatabaseErrorFilter', () => {
  function answer(
    exception: DatabaseUnavailableError | DatabaseConstraintError | DatabaseInputError,
  ) {
    const calls: { headers: Record<string, string>; body?: unknown; status?: number } = {
      headers: {},
    };
    const adapter = {
      setHeader: (_res: unknown, name: string, value: string) => (calls.headers[name] = value),
      reply: (_res: unknown, body: unknown, status: number) =>
        Object.assign(calls, { body, status }),
    };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getResponse: () => ({}) }),
    } as unknown as ArgumentsHost;
    new DatabaseErrorFilter({ httpAdapter: adapter } as unknown as HttpAdapterHost).catch(
      exception,
      host,
    );
    return calls;
  }

  it('answers unavailable with 503, Retry-After and a fixed message', () => {
    expect(answer(new DatabaseUnavailableError('ECONNREFUSED 10.0.0.5:5432'))).toEqual({
      headers: { 'Retry-After': '5' },
      status: 503,
      body: { statusCode: 503, message: 'Database unavailable', error: 'Service Unavailable' },
    });
  });

  it('answers a constraint violation with 409, without the constraint name', () => {
    expect(answer(new DatabaseConstraintError('items_name_length'))).toEqual({
      headers: {},
      status: 409,
      body: { statusCode: 409, message: 'Conflicts with stored data', error: 'Conflict' },
    });
  });

  it.each([
    [new DatabaseUnavailableError('x'), 'Database unavailable', 'SERVICE_UNAVAILABLE', 503],
    [
      new DatabaseConstraintError('items_name_length'),
      'Conflicts with stored data',
      'CONFLICT',
      409,
    ],
  ])(
    'answers a GraphQL field with an error carrying the status as its code',
    (error, message, code, status) => {
      const graphql = { getType: () => 'graphql' } as unknown as ArgumentsHost;
      const filter = new DatabaseErrorFilter({} as HttpAdapterHost);
      expect(filter.catch(error, graphql)).toMatchObject({ message, extensions: { code, status } });
    },
  );

  it('answers a value the database refused with 400 and a fixed message', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    expect(answer(new DatabaseInputError('22021'))).toEqual({
      headers: {},
      status: 400,
      body: { statusCode: 400, message: 'Invalid value', error: 'Bad Request' },
    });
    // One WARN line with the SQLSTATE: neither the query nor its values.
    expect(warn.mock.calls).toEqual([[{ event: 'database_input_refused', sqlState: '22021' }]]);
    warn.mockRestore();
  });
});
