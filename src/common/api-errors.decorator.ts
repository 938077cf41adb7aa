import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { RETRY_AFTER } from 'nest-keycloak-auth/swagger';
import { STATUS_CODES } from 'node:http';
import { ApiError } from './api-error.dto.js';

/** One error answer of a route: its status, what it means there, and whether it says when to retry. */
export interface ErrorAnswer {
  status: number;
  /** @default the status text, e.g. 'Not Found' */
  description?: string;
  /** The answer carries `Retry-After` (seconds). @default false */
  retryAfter?: boolean;
}

/**
 * Documents a route's (or every route of a controller's) own error answers with the shared
 * {@link ApiError} body. The auth answers (400/401/403/502/503 from the token checks) are added
 * by `documentAuth`; list here what the handler itself, its pipes and services answer.
 * @example
 * @ApiErrors(400, { status: 404, description: 'Unknown id' }, { status: 503, retryAfter: true })
 */
export const ApiErrors = (...answers: Array<number | ErrorAnswer>) =>
  applyDecorators(
    ApiExtraModels(ApiError),
    ...answers.map((answer) => {
      const { status, description, retryAfter } =
        typeof answer === 'number' ? { status: answer } : answer;
      return ApiResponse({
        status,
        description: description ?? STATUS_CODES[status] ?? 'Error',
        schema: { $ref: getSchemaPath(ApiError) },
        ...(retryAfter && { headers: { 'Retry-After': { ...RETRY_AFTER, required: true } } }),
      });
    }),
  );
