import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';

/**
 * Injects the verified principal of the request.
 * @example
 * @Get('me')
 * me(@CurrentUser() user: AuthPrincipal) { return user.username; }
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthPrincipal | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
