import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DatabaseConstraintError, DatabaseUnavailableError } from './database-errors.js';

/** Seconds a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The one place database failures become HTTP answers, with fixed messages: never a driver's
 * text (it can name tables, constraints, hosts). Unavailable → 503 with Retry-After;
 * a constraint violation → 409.
 */
@Catch(DatabaseUnavailableError, DatabaseConstraintError)
export class DatabaseErrorFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: DatabaseUnavailableError | DatabaseConstraintError, host: ArgumentsHost): void {
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
    const body = { statusCode: 409, message: 'Conflicts with stored data', error: 'Conflict' };
    adapter.reply(response, body, 409);
  }
}
