import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { authRequestOf } from '../context/auth-request.js';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';

/**
 * Injects the verified principal of the request.
 * @example
 * @Get('me')
 * me(@CurrentUser() user: AuthPrincipal) { return user.username; }
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthPrincipal | undefined =>
    authRequestOf<AuthenticatedRequest>(context)?.user,
);
