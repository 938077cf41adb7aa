import { SetMetadata } from '@nestjs/common';
import { SCOPES_ANY_KEY } from '../metadata/metadata-keys.js';

/**
 * The token must carry at least one of these OAuth scopes in its `scope` claim. On a handler
 * it replaces the controller's scope metadata.
 * @example
 * @AnyScope('items:read', 'items:write')
 * @Get()
 * list() {}
 */
export const AnyScope = (...scopes: string[]) => SetMetadata(SCOPES_ANY_KEY, scopes);
