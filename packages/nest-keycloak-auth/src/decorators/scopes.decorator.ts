import { SetMetadata } from '@nestjs/common';
import { SCOPES_ALL_KEY } from '../metadata/metadata-keys.js';

/**
 * The token must carry every one of these OAuth scopes in its `scope` claim: what the user
 * let the calling client do (roles say what the user may do). On a handler it replaces the
 * controller's scope metadata. Composes with roles: both must pass.
 * @example
 * @Scopes('admin')
 * @Get('users')
 * users() {}
 */
export const Scopes = (...scopes: string[]) => SetMetadata(SCOPES_ALL_KEY, scopes);
