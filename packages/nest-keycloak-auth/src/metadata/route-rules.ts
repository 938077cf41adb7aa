import type { Type } from '@nestjs/common';
import type { ResourceOwnerLookup } from '../ownership/resource-owner-lookup.js';

/** What `@OwnerOrRole` stores: who may act besides the owner, and how to find the owner. */
export interface OwnerRule {
  readonly lookup: Type<ResourceOwnerLookup>;
  /** Holders of any of these roles act on anyone's resource. */
  readonly roles: readonly string[];
}

/** Where the request names its organization (`@RequireOrganization`): a path parameter or a header. */
export type OrganizationSource = { readonly param: string } | { readonly header: string };
