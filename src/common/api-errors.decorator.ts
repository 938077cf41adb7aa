import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { errorExample, RETRY_AFTER } from 'nest-keycloak-auth/swagger';
import { STATUS_CODES } from 'node:http';
import { ApiError } from './api-error.dto.js';

/** One error answer of a route: its status, what it means there, and whether it says when to retry. */
export interface ErrorAnswer {
  status: number;
  /** @default the status text, e.g. 'Not Found' */
  description?: string;
  /** The answer carries `Retry-After` (seconds). @default false */
  retryAfter?: boolean;
  /** The `message` this route answers with that status, shown as the response's example. */
  example: string | string[];
}

/**
 * Documents a route's (or every route of a controller's) own error answers with the shared
 * {@link ApiError} body and an example of that route's answer. The auth answers (400/401/403/
 * 429/502/503 from the token checks) are added, with their own examples, by `documentAuth`;
 * list here what the handler itself, its pipes and services answer.
 * @example
 * @ApiErrors({ status: 404, description: 'Unknown id', example: 'Item 7 not found' })
 */
export const ApiErrors = (...answers: ErrorAnswer[]) =>
  applyDecorators(
    ApiExtraModels(ApiError),
    ...answers.map(({ status, description, retryAfter, example }) =>
      ApiResponse({
        status,
        description: description ?? STATUS_CODES[status] ?? 'Error',
        schema: { $ref: getSchemaPath(ApiError) },
        example: errorExample(status, example),
        ...(retryAfter && { headers: { 'Retry-After': { ...RETRY_AFTER, required: true } } }),
      }),
    ),
  );
