import type { AuthenticatedRequest } from '../principal.js';

/** The request a lookup reads: path parameters, query, and the authenticated principal. */
export type OwnedResourceRequest = AuthenticatedRequest & {
  params: Record<string, string | undefined>;
};

/**
 * Tells whose resource a request addresses, for {@link OwnerOrRole}. A provider of the
 * feature module (any injectable class implementing it). Returns the owner's `sub`; when the
 * resource does not exist it throws the feature's own not-found exception, so a caller learns
 * nothing more than the route itself would tell.
 * @example
 * @Injectable()
 * export class ItemOwner implements ResourceOwnerLookup {
 *   constructor(private readonly items: ItemsService) {}
 *   async ownerOf(request: OwnedResourceRequest) {
 *     return (await this.items.findOne(Number(request.params.id))).owner;
 *   }
 * }
 */
export interface ResourceOwnerLookup {
  ownerOf(request: OwnedResourceRequest): Promise<string> | string;
}
