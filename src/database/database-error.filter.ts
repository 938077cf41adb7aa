import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  DatabaseConstraintError,
  DatabaseInputError,
  DatabaseUnavailableError,
} from './database-errors.js';
import { fieldError, type FieldError } from '../graphql/graphql-errors.js';

/** Seconds a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

type DatabaseError = DatabaseUnavailableError | DatabaseConstraintError | DatabaseInputError;

/**
 * The one place database failures become HTTP answers, with fixed messages: never a driver's
 * text (it can name tables, constraints, hosts). Unavailable → 503 with Retry-After;
 * a constraint violation → 409; a value the database cannot hold → 400.
 */
@Catch(DatabaseUnavailableError, DatabaseConstraintError, DatabaseInputError)
export class DatabaseErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Database');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: DatabaseError, host: ArgumentsHost): void | FieldError {
    if (host.getType<string>() === 'graphql') return this.fieldAnswer(exception);
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    if (exception instanceof DatabaseUnavailableError) {
      adapter.setHeader(response, 'Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      const body = {
        statusCode: 503,
        message: 'Database unavailable',
        error: 'Service Unavailable',
      };
      adapter.reply(response, body, 503);
      return;
    }
    if (exception instanceof DatabaseInputError) {
      // Validation should have refused it first: worth a WARN, with the SQLSTATE, not the values.
      this.logger.warn({ event: 'database_input_refused', sqlState: exception.sqlState });
      const body = { statusCode: 400, message: 'Invalid value', error: 'Bad Request' };
      adapter.reply(response, body, 400);
      return;
    }
    const body = { statusCode: 409, message: 'Conflicts with stored data', error: 'Conflict' };
    adapter.reply(response, body, 409);
  }

  /** The same answers for a GraphQL field: its error carries the status as `extensions.code`. */
  private fieldAnswer(exception: DatabaseError): FieldError {
    if (exception instanceof DatabaseUnavailableError) {
      return fieldError(503, 'Database unavailable', DATABASE_RETRY_AFTER_SECONDS);
    }
    if (exception instanceof DatabaseInputError) {
      this.logger.warn({ event: 'database_input_refused', sqlState: exception.sqlState });
      return fieldError(400, 'Invalid value');
    }
    return fieldError(409, 'Conflicts with stored data');
  }
}
