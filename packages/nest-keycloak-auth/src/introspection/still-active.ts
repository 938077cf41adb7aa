import type { AuthPrincipal } from '../principal.js';
import { boundKeyOf } from '../token/token-verifier.service.js';
import type { IntrospectionClient } from './introspection.client.js';

/**
 * Keycloak's answer on a verified token; for a DPoP-bound token, active only while the answer
 * names the same key (`cnf.jkt`) as the token the proof was checked against.
 */
export async function isStillActive(
  introspection: IntrospectionClient,
  token: string,
  user: AuthPrincipal | undefined,
): Promise<boolean> {
  const jkt = user && boundKeyOf(user);
  if (jkt === undefined) return introspection.isActive(token, user?.exp, user?.realm);
  const claims = await introspection.introspect(token, user?.exp, user?.realm);
  return claims !== undefined && boundKeyOf({ claims }) === jkt;
}
