import { HttpStatus, type ArgumentsHost } from '@nestjs/common';
import type { AuditedRequest } from '../audit/audit-entry.js';
import { authRequestOf } from '../context/auth-request.js';
import type { AuthError } from '../errors/auth-error.js';
import { toHttpResponse, type AuthHttpResponse } from './auth-error.mapping.js';

/** `extensions.code` by HTTP status: Apollo's names where it has one. */
const CODES: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.BAD_REQUEST]: 'BAD_USER_INPUT',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHENTICATED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.TOO_MANY_REQUESTS]: 'TOO_MANY_REQUESTS',
  [HttpStatus.BAD_GATEWAY]: 'SERVICE_UNAVAILABLE',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'SERVICE_UNAVAILABLE',
};

/** What a refused field's error carries besides its message. */
export interface AuthGraphqlExtensions {
  /** `UNAUTHENTICATED`, `FORBIDDEN`, `BAD_USER_INPUT`, `TOO_MANY_REQUESTS` or `SERVICE_UNAVAILABLE`. */
  code: string;
  /** The HTTP status the same refusal gets on a REST route. */
  status: number;
  /** `@Roles`: the roles the caller lacks, as the REST 403's message names them. */
  requiredRoles?: readonly string[];
  /** The scopes that would do, as the REST 403's `WWW-Authenticate` `scope` names them. */
  scope?: string;
  /** `@Permission`: the permissions Keycloak refused. */
  permissions?: readonly string[];
  /** 429 and 503: when a retry may succeed. */
  retryAfterSeconds?: number;
}

/**
 * A refused GraphQL field's error: the REST answer's fixed message, its HTTP status as
 * `extensions.code`, and what the REST answer names. graphql-js copies `extensions` from the
 * error a resolver ends with, so this needs no `graphql` import.
 */
export class AuthGraphqlError extends Error {
  override readonly name = 'AuthGraphqlError';

  constructor(
    message: string,
    readonly extensions: AuthGraphqlExtensions,
  ) {
    super(message);
  }
}

/** The GraphQL error of a refusal, from the one HTTP mapping (`toHttpResponse`). */
export function toGraphqlError(error: AuthError): AuthGraphqlError {
  const answer = toHttpResponse(error);
  return new AuthGraphqlError(answer.message, extensionsOf(error, answer));
}

function extensionsOf(error: AuthError, answer: AuthHttpResponse): AuthGraphqlExtensions {
  const { missingRoles, permissions } = error.details;
  return {
    code: CODES[answer.status] ?? 'INTERNAL_SERVER_ERROR',
    status: answer.status,
    ...(missingRoles?.length && { requiredRoles: missingRoles }),
    ...(answer.scope && { scope: answer.scope }),
    ...(permissions?.length && answer.status === HttpStatus.FORBIDDEN && { permissions }),
    ...(answer.retryAfterSeconds !== undefined && {
      retryAfterSeconds: answer.retryAfterSeconds,
    }),
  };
}

/**
 * AuthErrorFilter's answer in a GraphQL field: the error Nest hands back to graphql-js, which
 * nulls the field and lists the error while the other fields are still answered. `log`
 * records the refusal (the audit trail). Not counted against the failure limit: a presented
 * token that fails verification never reaches a field (`GraphqlTokenMiddleware` answers 401).
 */
export function refuseField(
  error: AuthError,
  host: ArgumentsHost,
  log: (request: AuditedRequest, status: number) => void,
): AuthGraphqlError {
  const refusal = toGraphqlError(error);
  const request = authRequestOf<AuditedRequest>(host);
  if (request) log(request, refusal.extensions.status);
  return refusal;
}
