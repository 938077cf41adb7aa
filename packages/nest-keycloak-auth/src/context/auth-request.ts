import type { ArgumentsHost } from '@nestjs/common';
import { socketRequestOf } from '../sockets/socket-request.js';
import { graphqlRequestOf } from './graphql-request.js';

/**
 * The object the guards read a request's credentials from and attach its principal to, for
 * each kind of Nest context they run in: the HTTP request on Express and Fastify; for a GraphQL
 * field, a view of the operation's request (see `graphqlRequestOf`); and the socket of a
 * WebSocket message (what its handshake verified). Undefined for a context the library does not
 * understand, which the guards refuse (fail closed).
 */
export function authRequestOf<T extends object>(context: ArgumentsHost): T | undefined {
  switch (context.getType<string>()) {
    case 'http':
      return context.switchToHttp().getRequest<T>();
    case 'graphql':
      return graphqlRequestOf<T>(context);
    case 'ws':
      return socketRequestOf<T>(context);
    default:
      return undefined;
  }
}
