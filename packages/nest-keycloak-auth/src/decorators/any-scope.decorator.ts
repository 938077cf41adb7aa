import { SetMetadata } from '@nestjs/common';

/** Metadata key set by {@link AnyScope}. */
export const SCOPES_ANY_KEY = 'auth:scopes:any';

/**
 * The token must carry at least one of these OAuth scopes in its `scope` claim. On a handler
 * it replaces the controller's scope metadata.
 * @example
 * @AnyScope('items:read', 'items:write')
 * @Get()
 * list() {}
 */
export const AnyScope = (...scopes: string[]) => SetMetadata(SCOPES_ANY_KEY, scopes);
