import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { socketErrorOf } from 'nest-keycloak-auth';
import type { WebSocket } from 'ws';

/**
 * What the live gateway answers for a failure that is not an AuthError (AuthErrorFilter has
 * those): an `error` event with a fixed message, the socket left open. A validation failure says
 * what was wrong (the pipe's own messages); anything else is `INTERNAL`, logged by name only.
 * Nest's global filters never see gateway handlers, so this is the one the gateway names.
 */
@Catch()
export class LiveErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('LiveGateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const socket = host.switchToWs().getClient<WebSocket>();
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify(this.eventFor(exception)));
  }

  private eventFor(exception: unknown): object {
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return socketErrorOf({ status: exception.getStatus(), message: messageOf(exception) });
    }
    this.logger.error({ event: 'ws_handler_failed', errorName: nameOf(exception) });
    return { event: 'error', data: { code: 'INTERNAL', message: 'Internal server error' } };
  }
}

/** The exception's own message(s): ValidationPipe lists one per failed constraint. */
function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  const message =
    typeof response === 'string' ? response : (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
