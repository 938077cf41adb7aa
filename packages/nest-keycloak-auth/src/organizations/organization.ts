/**
 * One Keycloak organization the caller belongs to (Keycloak 26 Organizations), in one shape
 * whatever form the token's `organization` claim took.
 */
export interface Organization {
  /** The organization's alias: how tokens, routes and headers name it. */
  readonly alias: string;
  /** Its id, when the mapper's "add organization id" option is on. */
  readonly id?: string;
  /** Its attributes, when the mapper's "add organization attributes" option is on. */
  readonly attributes?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The organizations an `organization` claim names. Keycloak writes it as a list of aliases
 * (`["acme"]`), or, with the mapper's id/attributes options, as an object keyed by alias
 * (`{"acme": {"id": "62fc…", "tier": ["gold"]}}`, `{"acme": {}}`). Anything else, and any
 * entry that is not a non-empty string alias, counts as no organization (fail closed).
 */
export function organizationsOf(claim: unknown): Organization[] {
  if (Array.isArray(claim)) {
    return claim
      .filter((alias): alias is string => typeof alias === 'string' && alias.length > 0)
      .map((alias) => ({ alias }));
  }
  if (typeof claim !== 'object' || claim === null) return [];
  return Object.entries(claim as Record<string, unknown>)
    .filter(([alias]) => alias.length > 0)
    .map(([alias, details]) => organizationFrom(alias, details));
}

function organizationFrom(alias: string, details: unknown): Organization {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return { alias };
  const { id, ...rest } = details as Record<string, unknown>;
  const attributes: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(rest)) {
    if (Array.isArray(value)) {
      attributes[name] = value.filter((item): item is string => typeof item === 'string');
    }
  }
  return {
    alias,
    ...(typeof id === 'string' && { id }),
    ...(Object.keys(attributes).length > 0 && { attributes }),
  };
}
