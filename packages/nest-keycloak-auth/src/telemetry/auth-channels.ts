import { channel } from 'node:diagnostics_channel';

/**
 * What the library tells the outside about its work, as `node:diagnostics_channel` messages:
 * an app subscribes (metrics, tracing) and the library never depends on a metrics package.
 * Publishing is skipped while nobody subscribes, so the hot path pays one boolean read; the
 * messages on that path are frozen constants, so a subscriber costs no allocation either.
 * Never a token, a secret or a claim value in a message.
 */
export const AUTH_CHANNELS = Object.freeze({
  /** {@link AuthDecisionMessage}: one per authentication, authorization or introspection decision. */
  decision: 'nest-keycloak-auth:decision',
  /** {@link KeycloakRequestMessage}: one per back-channel call to Keycloak, when it settles. */
  keycloakRequest: 'nest-keycloak-auth:keycloak-request',
  /** {@link CacheLookupMessage}: one per lookup in the verified-token or introspection cache. */
  cacheLookup: 'nest-keycloak-auth:cache-lookup',
  /** {@link JwksUpdateMessage}: after each successful JWKS fetch. */
  jwksUpdate: 'nest-keycloak-auth:jwks-update',
  /** {@link BackchannelLogoutMessage}: one per logout token received. */
  backchannelLogout: 'nest-keycloak-auth:backchannel-logout',
  /** {@link RedisFallbackMessage}: one per shared use served in process because Redis failed. */
  redisFallback: 'nest-keycloak-auth:redis-fallback',
});

/** Which decision: a valid token, the route's access rules, or Keycloak's live answer. */
export type AuthDecisionStage = 'authentication' | 'authorization' | 'introspection';

/** One decision. `reason` is `ok` when accepted, else the refusal's `ERR_AUTH_*` code. */
export interface AuthDecisionMessage {
  readonly stage: AuthDecisionStage;
  readonly outcome: 'accepted' | 'refused';
  readonly reason: string;
  /** The HTTP status the request got for it (200 when accepted: the decision's, not the route's). */
  readonly status: number;
}

/** The Keycloak endpoints this library (and an app's admin client) calls. */
export type KeycloakEndpoint =
  'discovery' | 'jwks' | 'token' | 'introspection' | 'authorization' | 'admin';

/** One settled back-channel call. */
export interface KeycloakRequestMessage {
  readonly endpoint: KeycloakEndpoint;
  /** `success`: a 2xx; `refused`: Keycloak answered with another status; `error`: no answer. */
  readonly outcome: 'success' | 'refused' | 'error';
  readonly durationSeconds: number;
}

/** One cache lookup. */
export interface CacheLookupMessage {
  readonly cache: 'verified_token' | 'introspection' | 'authorization';
  readonly result: 'hit' | 'miss';
}

/** The key set after a successful fetch. */
export interface JwksUpdateMessage {
  readonly keys: number;
  /** When the fetch succeeded, in seconds since the epoch. */
  readonly fetchedAtSeconds: number;
}

/** One logout token received. `reason` is `ok` when applied, else the `ERR_LOGOUT_*` code. */
export interface BackchannelLogoutMessage {
  readonly outcome: 'applied' | 'refused';
  readonly reason: string;
}

/** The state replicas share through Redis (`redisUrl`), each falling back on its own. */
export type SharedUse =
  'failure_limit' | 'introspection' | 'authorization' | 'revocation' | 'logout_jti' | 'dpop_jti';

/** One use of Redis that failed (unreachable, timed out) and was served in process instead. */
export interface RedisFallbackMessage {
  readonly use: SharedUse;
}

const decisionChannel = channel(AUTH_CHANNELS.decision);
const keycloakChannel = channel(AUTH_CHANNELS.keycloakRequest);
const cacheChannel = channel(AUTH_CHANNELS.cacheLookup);
const jwksChannel = channel(AUTH_CHANNELS.jwksUpdate);
const logoutChannel = channel(AUTH_CHANNELS.backchannelLogout);
const redisFallbackChannel = channel(AUTH_CHANNELS.redisFallback);

const lookups = {
  verified_token: { hit: lookup('verified_token', 'hit'), miss: lookup('verified_token', 'miss') },
  introspection: { hit: lookup('introspection', 'hit'), miss: lookup('introspection', 'miss') },
  authorization: { hit: lookup('authorization', 'hit'), miss: lookup('authorization', 'miss') },
};
const accepted = {
  authentication: acceptance('authentication'),
  authorization: acceptance('authorization'),
  introspection: acceptance('introspection'),
};

/** Publishes a cache lookup (a frozen constant: no allocation per request). */
export function publishCacheLookup(cache: CacheLookupMessage['cache'], hit: boolean): void {
  if (cacheChannel.hasSubscribers) cacheChannel.publish(lookups[cache][hit ? 'hit' : 'miss']);
}

/** Publishes an accepted decision (a frozen constant). */
export function publishAccepted(stage: AuthDecisionStage): void {
  if (decisionChannel.hasSubscribers) decisionChannel.publish(accepted[stage]);
}

/** Publishes a refusal. */
export function publishRefused(stage: AuthDecisionStage, reason: string, status: number): void {
  if (!decisionChannel.hasSubscribers) return;
  const message: AuthDecisionMessage = { stage, outcome: 'refused', reason, status };
  decisionChannel.publish(message);
}

/** Publishes the key set after a successful fetch. */
export function publishJwksUpdate(keys: number, now = Date.now()): void {
  if (!jwksChannel.hasSubscribers) return;
  const message: JwksUpdateMessage = { keys, fetchedAtSeconds: now / 1000 };
  jwksChannel.publish(message);
}

/** Publishes a received logout token's outcome. */
export function publishBackchannelLogout(message: BackchannelLogoutMessage): void {
  if (logoutChannel.hasSubscribers) logoutChannel.publish(message);
}

/** Publishes a shared use served in process because Redis failed. */
export function publishRedisFallback(use: SharedUse): void {
  if (redisFallbackChannel.hasSubscribers) redisFallbackChannel.publish({ use });
}

/**
 * Times one call to Keycloak and publishes how it settled; the call's own result or error
 * passes through untouched. Exported so an app's own Keycloak calls (the admin API) are
 * counted under the same metric.
 */
export async function timeKeycloakRequest<T>(
  endpoint: KeycloakEndpoint,
  call: () => Promise<T>,
): Promise<T> {
  if (!keycloakChannel.hasSubscribers) return call();
  const started = process.hrtime.bigint();
  const settle = (outcome: KeycloakRequestMessage['outcome']) => {
    const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const message: KeycloakRequestMessage = { endpoint, outcome, durationSeconds };
    keycloakChannel.publish(message);
  };
  try {
    const result = await call();
    settle('success');
    return result;
  } catch (error) {
    settle(answeredStatus(error) ? 'refused' : 'error');
    throw error;
  }
}

/** Whether the failed call got an HTTP answer (axios puts it on `response`). */
function answeredStatus(error: unknown): boolean {
  return (
    typeof (error as { response?: { status?: unknown } } | null)?.response?.status === 'number'
  );
}

function lookup(
  cache: CacheLookupMessage['cache'],
  result: CacheLookupMessage['result'],
): CacheLookupMessage {
  return Object.freeze({ cache, result });
}

function acceptance(stage: AuthDecisionStage): AuthDecisionMessage {
  return Object.freeze({ stage, outcome: 'accepted', reason: 'ok', status: 200 });
}
